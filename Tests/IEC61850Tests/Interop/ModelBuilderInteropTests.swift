// A server built with the model DSL, every CDC builder in it, browsed by libiec61850's client and read
// back leaf by leaf by ours.

import Foundation
import IEC61850
import Testing

let everyCDC = IED("DSL") {
    LogicalDevice("LD0") {
        LLN0 {
            ENC("Mod", control: .directNormal)
            ENS("Beh")
            LPL(vendor: "v", swRev: "1", d: "all CDCs", configRev: "7")
        }
        LN("GGIO", 9, prefix: "ALL") {
            SPS("Sps", true); DPS("Dps", .on); INS("Ins", 42); ENS("Ens", 3)
            ACT("Act", general: true); ACD("Acd", direction: 1)
            MV("Mv", 2.5); CMV("Cmv", magnitude: 1, angle: 90); WYE("Wye"); DEL("Del"); SAV("Sav", 0.5)
            SPC("SpcDirect"); SPC("SpcSbo", control: .sboNormal); DPC("Dpc", .off, control: .sboEnhanced)
            INC("Inc", 5, control: .directEnhanced); ENC("Enc", 2); APC("Apc", 1.25); BSC("Bsc", position: 3); ISC("Isc", position: -2)
            SPG("Spg", true); ING("Ing", 9); ASG("Asg", 0.75)
            DPL("PhyNam", vendor: "v", hwRev: "h", serialNumber: "s")
            for index in 1...3 { SPS("Loop\(index)") }
        }
    }
}

@Suite("Model DSL", .serialized)
struct ModelBuilderInteropTests {
    static let objects = ["Sps", "Dps", "Ins", "Ens", "Act", "Acd", "Mv", "Cmv", "Wye", "Del", "Sav", "SpcDirect", "SpcSbo",
                          "Dpc", "Inc", "Enc", "Apc", "Bsc", "Isc", "Spg", "Ing", "Asg", "PhyNam", "Loop1", "Loop2", "Loop3"]

    @Test("every CDC builder is served; libiec61850's client lists every data object")
    func libiecBrowsesEveryCDC() async throws {
        var configuration = IEDServerConfiguration()
        configuration.port = 0
        let server = IEDServer(model: everyCDC.model, configuration: configuration)
        try await server.start()
        let port = try #require(server.port)
        let reply = try await offload { try runPeerClient(.libiec, port: port, ["dir"]) }
        #expect(reply.status == 0, "\(reply.json)")
        let objects = try #require(dig(reply.json, "serverDirectory", "DSLLD0", "ALLGGIO9", "dataObjects") as? [String: Any])
        #expect(Set(objects.keys) == Set(Self.objects))
        let spcSbo = objects["SpcSbo"] as? [String: Any]
        #expect(spcSbo?.keys.contains { $0.hasPrefix("Cancel") } == true && spcSbo?.keys.contains { $0.hasPrefix("SBO") } == true)
        let read = try await offload { try runPeerClient(.libiec, port: port, ["read", "DSLLD0/ALLGGIO9.Cmv.cVal.ang.f", "MX"]) }
        #expect(dig(read.json, "value", "value") as? Double == 90)
        await server.shutdown()
    }

    @Test("our client reads every leaf with the declared type and the DSL's initial values")
    func everyLeafRoundTrips() async throws {
        var configuration = IEDServerConfiguration()
        configuration.port = 0
        let server = IEDServer(model: everyCDC.model, configuration: configuration)
        try await server.start()
        let port = try #require(server.port)
        try await IEC61850Client.withConnection(to: "127.0.0.1", port: port) { (client: IEC61850Client) async throws in
            let model = try await client.deviceModel()
            let leaves = model.leafAttributes
            #expect(leaves.count > 150)
            for leaf in leaves {
                let value = try await client.read(leaf.reference, fc: leaf.fc)
                #expect(leaf.type.accepts(value), "\(leaf.reference) [\(leaf.fc)]")
            }
            #expect(try await client.read(DoublePoint.self, "DSLLD0/ALLGGIO9.Dps.stVal", fc: .ST) == .on)
            #expect(try await client.read(Int32.self, "DSLLD0/ALLGGIO9.Isc.valWTr.posVal", fc: .ST) == -2)
            #expect(try await client.read(Int32.self, "DSLLD0/ALLGGIO9.Dpc.ctlModel", fc: .CF) == 4)
            #expect(try await client.read(String.self, "DSLLD0/LLN0.NamPlt.configRev", fc: .DC) == "7")
            try await client.write("DSLLD0/ALLGGIO9.Asg.setMag.f", fc: .SP, Float(9.5))
            #expect(try await client.read(Float.self, "DSLLD0/ALLGGIO9.Asg.setMag.f", fc: .SP) == 9.5)
            let mismatch = await #expect(throws: IEC61850Error.self) { try await client.write("DSLLD0/ALLGGIO9.Asg.setMag.f", fc: .SP, true) }
            #expect(mismatch?.dataAccessError == .typeInconsistent)
        }
        await server.shutdown()
    }
}
