// Standalone cost of IEDServer.update(_:fc:to:) — time per call and (under valgrind) instructions and
// allocations per call. The server is created but NOT started (no listener, no associations, no RCBs:
// the report engine is idle), so this measures the application-side update path only.
//
// Usage: updatebench [CASE|all] [N] [RUNS]
//   CASE: demo | demo-literal | mv20 | mv20-last | mv100 | mv100-last   (default: all)
//   N: update() calls per run (default 200000); RUNS: timed runs (default 5, best and median reported).
//   With RUNS=0 the calls are made once, untimed (for valgrind: diff two N values).
import IEC61850
#if canImport(Glibc)
import Glibc
#endif

// The demo IED, written with the public DSL (same content as DemoIED.model() at 36e6b15).
func demoModel() -> ServedModel {
    IED("TESTIED") {
        LogicalDevice("GenericIO") {
            LLN0 {
                ENC("Mod"); ENS("Beh"); ENS("Health")
                LPL(vendor: "swift-iec61850", swRev: "0.1", d: "demo IED", configRev: "1")
            }
            LN("LPHD", 1) {
                DPL(vendor: "swift-iec61850", model: "demo"); ENS("PhyHealth"); SPS("Proxy")
            }
            LN("GGIO", 1) {
                ENC("Mod"); ENS("Beh"); ENS("Health")
                LPL(vendor: "swift-iec61850", swRev: "0.1", d: "generic I/O")
                SPS("Ind1"); SPS("Ind2", true); DPS("Pos", .off); INS("Cnt1")
                MV("AnIn1", 1.5); MV("AnIn2", 2.5); SPC("SPCSO1"); ASG("StrVal", 1.2)
            }
        }
    }.model
}

// One LN with `count` MV data objects (AnIn1…AnInN), LD "BIGLD0".
func mvModel(_ count: Int) -> ServedModel {
    IED("BIG") {
        LogicalDevice("LD0") {
            LLN0 { ENC("Mod"); ENS("Beh") }
            LN("GGIO", 1) {
                for i in 1...count { MV("AnIn\(i)") }
            }
        }
    }.model
}

func now() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

struct Case {
    let name: String
    let model: () -> ServedModel
    let reference: ObjectReference
    let literal: Bool   // build the reference from a string literal inside the loop (as application code does)
}

let cases: [Case] = [
    Case(name: "demo", model: demoModel, reference: "TESTIEDGenericIO/GGIO1.AnIn1.mag.f", literal: false),
    Case(name: "demo-literal", model: demoModel, reference: "TESTIEDGenericIO/GGIO1.AnIn1.mag.f", literal: true),
    Case(name: "mv20", model: { mvModel(20) }, reference: "BIGLD0/GGIO1.AnIn1.mag.f", literal: false),
    Case(name: "mv20-last", model: { mvModel(20) }, reference: "BIGLD0/GGIO1.AnIn20.mag.f", literal: false),
    Case(name: "mv100", model: { mvModel(100) }, reference: "BIGLD0/GGIO1.AnIn1.mag.f", literal: false),
    Case(name: "mv100-last", model: { mvModel(100) }, reference: "BIGLD0/GGIO1.AnIn100.mag.f", literal: false),
]

@inline(never)
func loop(_ server: IEDServer, _ c: Case, _ n: Int) throws {
    if c.literal {
        for i in 0..<n { try server.update("TESTIEDGenericIO/GGIO1.AnIn1.mag.f", fc: .MX, to: .float(Float(i))) }
    } else {
        let reference = c.reference
        for i in 0..<n { try server.update(reference, fc: .MX, to: .float(Float(i))) }
    }
}

let args = CommandLine.arguments
let which = args.count > 1 ? args[1] : "all"
let n = args.count > 2 ? Int(args[2]) ?? 200_000 : 200_000
let runs = args.count > 3 ? Int(args[3]) ?? 5 : 5
let selected = which == "all" ? cases : cases.filter { $0.name == which }
guard !selected.isEmpty else { fatalError("unknown case \(which); one of: all \(cases.map(\.name).joined(separator: " "))") }

for c in selected {
    let server = IEDServer(model: c.model(), configuration: .init())   // not started
    try server.update(c.reference, fc: .MX, to: .float(-1))             // the reference must exist
    if runs == 0 {
        try loop(server, c, n)
        print("\(c.name): \(n) calls done (untimed)")
        continue
    }
    try loop(server, c, min(n, 20_000))   // warm-up
    var times: [Double] = []
    for _ in 0..<runs {
        let t0 = now()
        try loop(server, c, n)
        times.append(Double(now() - t0) / Double(n))
    }
    guard server.value(c.reference, fc: .MX) == .float(Float(n - 1)) else { fatalError("value not updated") }
    times.sort()
    func f(_ x: Double) -> String { let r = (x * 10).rounded() / 10; let s = "\(r)"; return String(repeating: " ", count: max(0, 7 - s.count)) + s }
    let label = c.name + String(repeating: " ", count: max(0, 13 - c.name.count))
    print("\(label) ns/call best \(f(times[0]))  median \(f(times[times.count / 2]))  (N=\(n), runs=\(runs))")
}
