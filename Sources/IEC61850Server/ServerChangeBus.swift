// One change bus: every change of a served value — the application's update, a client's write, a handler's read value —
// becomes a change event with its trigger reason (IEC 61850-7-2 §17.2.2.9: data change, quality change, data update),
// and every engine that reacts to changes subscribes to it. Reports do today; logs and GOOSE will.

import IEC61850SCL

/// A change of a served value and what kind of change it is.
struct ValueChange: Sendable {
    /// The MMS domain (logical device).
    let domain: String
    /// The MMS item (`LN$FC$DO$DA…`).
    let item: String
    /// The value before, when there was one.
    let old: MMSValue?
    /// The value now.
    let new: MMSValue
    /// Data change, quality change and/or data update, as the attribute's trigger options make it.
    let reason: ReportTriggers
}

/// Something that reacts to changes of served values (a control-block engine).
protocol ServerChangeSubscriber: Sendable {
    /// Values changed together (one update, one client write request), in order.
    func valuesChanged(_ changes: [ValueChange], server: IEDServer)
}

/// Turns changes into events with their reasons and hands them to every subscriber.
struct ServerChangeBus: Sendable {
    /// Which changes of a leaf attribute trigger (its SCL dchg/qchg/dupd), keyed `domain/LN$FC$DO$DA`.
    private let declaredTriggers: [String: IEDModel.TriggerOptions]
    private let subscribers: [any ServerChangeSubscriber]

    init(declaredTriggers: [String: IEDModel.TriggerOptions], subscribers: [any ServerChangeSubscriber]) {
        self.declaredTriggers = declaredTriggers
        self.subscribers = subscribers
    }

    /// Whether anything listens (otherwise changes need not even be described).
    var isIdle: Bool { subscribers.isEmpty }

    /// The event for a change of `domain`/`item` from `old` to `new`: its reason from the attribute's declared trigger
    /// options when the model has them, else by default (a change of `q` is a quality change, any other change a data
    /// change, an unchanged value a data update).
    func change(domain: String, item: String, old: MMSValue?, new: MMSValue) -> ValueChange {
        let changed = old != new
        var reason: ReportTriggers = []
        if let options = declaredTriggers[domain + "/" + item] {
            if changed, options.contains(.dataChange) { reason.insert(.dataChange) }
            if changed, options.contains(.qualityChange) { reason.insert(.qualityChange) }
            if options.contains(.dataUpdate) { reason.insert(.dataUpdate) }
        } else if !changed {
            reason = .dataUpdate
        } else {
            let leaf = item.lastIndex(of: "$").map { item[item.index(after: $0)...] } ?? item[...]
            reason = leaf == "q" ? .qualityChange : .dataChange
        }
        return ValueChange(domain: domain, item: item, old: old, new: new, reason: reason)
    }

    /// Hands changes made together to every subscriber.
    func publish(_ changes: [ValueChange], server: IEDServer) {
        guard !changes.isEmpty else { return }
        for subscriber in subscribers { subscriber.valuesChanged(changes, server: server) }
    }
}
