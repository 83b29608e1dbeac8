import IEC61850
let port = Int(CommandLine.arguments[1])!
let c = try await MMSClientConnection.connect(host: "127.0.0.1", port: port)
print(await c.negotiated)
print(try await c.request(.getNameList(objectClass: .domain, scope: .vmd, continueAfter: nil)))
print(try await c.request(.getNameList(objectClass: .namedVariable, scope: .domain("TESTIEDGenericIO"), continueAfter: nil)))
print(try await c.request(.read(specificationWithResult: false, .listOfVariables([.init(name: .domainSpecific(domain: "TESTIEDGenericIO", item: "GGIO1$MX$AnIn1"))]))))
print(try await c.request(.identify))
print(try await c.request(.getVariableAccessAttributes(.domainSpecific(domain: "TESTIEDGenericIO", item: "GGIO1$MX$AnIn1"))))
await c.close()
print(await c.closeReason as Any)
