// The README's tour, compiled with the test suite so that it cannot drift from the API.

import IEC61850

/// Never called: the test target only has to compile it.
func readmeTour() async throws {
    try await IEC61850Client.withConnection(to: "10.0.0.5") { ied in
        print(try await ied.identify())

        let power = try await ied.read(Float.self, "IED1MEAS/MMXU1.TotW.mag.f", fc: .MX)
        let quality = try await ied.read(Quality.self, "IED1MEAS/MMXU1.TotW.q", fc: .MX)
        let position = try await ied.read(DoublePoint.self, "IED1PROT/XCBR1.Pos.stVal", fc: .ST)

        let values = try await ied.read([("IED1MEAS/MMXU1.Hz.mag.f", .MX), ("IED1PROT/XCBR1.Pos.q", .ST)])

        try await ied.write("IED1PROT/PTOC1.StrVal.setMag.f", fc: .SP, Float(1.2))

        let reports = try await ied.enableReporting("IED1LD0/LLN0.BR.brcbEvents",
                                                    settings: ReportSettings(triggerOptions: [.dataChange, .generalInterrogation]),
                                                    generalInterrogation: true)
        for try await report in reports.prefix(3) {
            for entry in report.entries { print(report.sequenceNumber ?? 0, entry.reference ?? "#\(entry.index)", entry.value) }
        }

        let events = try await ied.readDataSet("IED1LD0/LLN0.Events")
        try await ied.createDataSet("@mine", members: [DataSetMember("IED1MEAS/MMXU1.TotW.mag.f", fc: .MX)])
        _ = events

        let model = try await ied.deviceModel()
        for leaf in model.leafAttributes { print(leaf.reference, leaf.fc, leaf.type) }
        _ = (power, quality, position, values)
    }
}

/// The README's serving example; never called.
func readmeServing() async throws {
    let relay = IED("RELAY") {
        LogicalDevice("LD0") {
            LLN0 { ENC("Mod"); ENS("Beh"); LPL(vendor: "ACME", swRev: "1.0", d: "feeder relay") }
            LN("MMXU", 1) { MV("TotW"); WYE("A") }
            LN("XCBR", 1) { DPC("Pos", .on, control: .sboEnhanced) }
            LN("PTOC", 1) { ACD("Str"); ACT("Op"); ASG("StrVal", 1.2) }
        }
    }
    var configuration = IEDServerConfiguration()
    configuration.port = 10102
    let server = IEDServer(model: relay.model, configuration: configuration)
    try await server.start()
    try server.update("RELAYLD0/MMXU1.TotW.mag.f", fc: .MX, to: .float(230.4))

    let power = try server.attribute("RELAYLD0/MMXU1.TotW.mag.f", fc: .MX)
    try server.update(power, to: .float(231.0))
}

/// The README's SCL examples; never called.
func readmeSCL() throws {
    var configuration = IEDServerConfiguration()
    configuration.port = 10102
    _ = IEDServer(model: try .load(scl: "relay.cid", ied: "RELAY"), configuration: configuration)

    var warnings: [SCLWarning] = []
    let document = try SCLDocument(contentsOfFile: "station.scd", warnings: &warnings)
    let report = document.validate()
    let relay = try document.iedModel(ied: "RELAY")
    print(relay.summary)
    let xml = document.xml()
    _ = (report, xml)
}
