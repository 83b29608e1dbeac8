// The demo IED that `iec61850 demo` and `iec61850 serve` host, and that the tests and benchmarks use: kept out of
// the server library, so an application linking IEC61850Server gets no demo content.

import FoundationEssentials
public import IEC61850Server

/// The built-in demo IED: `TESTIED` with LD `GenericIO` (MMS domain `TESTIEDGenericIO`) — LLN0, LPHD1
/// and GGIO1 with indications, measurements, a control and a setting.
public enum DemoIED {
    /// The logical device name.
    public static let logicalDevice = "TESTIEDGenericIO"

    /// The demo model, written with the model DSL.
    public static func model() -> ServedModel {
        IED("TESTIED") {
            LogicalDevice("GenericIO") {
                LLN0 {
                    ENC("Mod")
                    ENS("Beh")
                    ENS("Health")
                    LPL(vendor: "swift-iec61850", swRev: "0.1", d: "demo IED", configRev: "1")
                }
                LN("LPHD", 1) {
                    DPL(vendor: "swift-iec61850", model: "demo")
                    ENS("PhyHealth")
                    SPS("Proxy")
                }
                LN("GGIO", 1) {
                    ENC("Mod")
                    ENS("Beh")
                    ENS("Health")
                    LPL(vendor: "swift-iec61850", swRev: "0.1", d: "generic I/O")
                    SPS("Ind1")
                    SPS("Ind2", true)
                    DPS("Pos", .off)
                    INS("Cnt1")
                    MV("AnIn1", 1.5)
                    MV("AnIn2", 2.5)
                    SPC("SPCSO1")
                    ASG("StrVal", 1.2)
                }
            }
        }.model
    }

    /// Changes `GGIO1.Ind1`, `GGIO1.AnIn1` and `GGIO1.Cnt1` (with their timestamps) every `period`
    /// until the task is cancelled, so that clients see live data.
    public static func simulate(_ server: IEDServer, period: Duration = .seconds(1)) async {
        var tick: Int64 = 0
        while !Task.isCancelled {
            do { try await Task.sleep(for: period) } catch { return }
            tick += 1
            let now = MMSValue.utcTime(MMSUTCTime(unixSeconds: Date().timeIntervalSince1970))
            let ld = logicalDevice
            try? server.update("\(ld)/GGIO1.Ind1.stVal", fc: .ST, to: .boolean(tick % 2 == 1))
            try? server.update("\(ld)/GGIO1.Ind1.t", fc: .ST, to: now)
            try? server.update("\(ld)/GGIO1.AnIn1.mag.f", fc: .MX, to: .float(1.5 + Float(tick % 100) / 10))
            try? server.update("\(ld)/GGIO1.AnIn1.t", fc: .MX, to: now)
            try? server.update("\(ld)/GGIO1.Cnt1.stVal", fc: .ST, to: .integer(tick))
        }
    }
}
