// One association as the ACSI server sees it: the MMS connection (`MMSServerChannelHandler`) hands it each request,
// and it hands them to the server's request router with the association's own state.

import IEC61850MMS

/// The ACSI side of one association: its datasets and report sink; lives as long as the connection.
final class ServerAssociation: MMSServerAssociationDelegate {
    private let server: IEDServer
    /// This association's identity: never reused by a later association (an object's address can be).
    private let id: ServerAssociationID
    private var state: ServerAssociationState?
    private var registeredForReports = false

    init(server: IEDServer) {
        self.server = server
        id = server.nextAssociationID()
    }

    func associated(_ parameters: MMSInitiateParameters, clientAddress: [UInt8], send: @escaping @Sendable ([[UInt8]]) -> Void) {
        let maxPDUSize = Int(parameters.maxPDUSize ?? 65_000)
        state = ServerAssociationState(id: id, maxPDUSize: maxPDUSize)
        server.reportEngine.register(id, sink: ReportSink(maxPDUSize: maxPDUSize, clientAddress: clientAddress, send: send))
        registeredForReports = true
    }

    func respond(to request: MMSConfirmedRequest, invokeID: UInt32) -> MMSServerResponse {
        guard let state else { return .now(.confirmedError(invokeID: invokeID, .primitivesOutOfSequence)) }
        return server.route(request, invokeID: invokeID, association: state)
    }

    func record(_ event: MMSServerConnectionEvent) {
        server.count { statistics in
            switch event {
            case .associated: statistics.associated += 1
            case .refused: break
            case .request: statistics.requests += 1
            case .concluded: statistics.concluded += 1
            case .released: statistics.released += 1
            case .abortedByClient: statistics.abortedByClient += 1
            case .aborted: statistics.aborted += 1
            }
        }
    }

    func connectionEnded() {
        if registeredForReports { server.reportEngine.unregister(id, server: server) }
        registeredForReports = false
        state = nil
    }
}
