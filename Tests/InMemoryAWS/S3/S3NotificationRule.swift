/// One entry of a bucket's notification configuration: which events, for which keys, under which id (the
/// `configurationId` the event carries).
public struct S3NotificationRule: Sendable, Equatable {
    /// The event families the project subscribes to.
    public enum EventFamily: Sendable, Equatable {
        /// `s3:ObjectCreated:*`: Put, Copy (and, in AWS, Post and multipart completion, not modelled).
        case created
        /// `s3:ObjectRemoved:*`: Delete and DeleteMarkerCreated.
        case removed
        /// `s3:LifecycleExpiration:*`: `LifecycleExpiration:Delete` when a lifecycle rule deletes a version for
        /// good (S3's lifecycle event notifications; without this family, expiry is silent).
        case lifecycleExpiration
    }

    public var id: String
    public var events: [EventFamily]
    /// Matched against the key itself (not its encoded form), as S3's filter rules are.
    public var prefix: String
    public var suffix: String

    public init(id: String, events: [EventFamily], prefix: String = "", suffix: String = "") {
        self.id = id
        self.events = events
        self.prefix = prefix
        self.suffix = suffix
    }

    func matches(eventName: String, key: String) -> Bool {
        let family: EventFamily =
            eventName.hasPrefix("ObjectCreated:")
            ? .created : eventName.hasPrefix("LifecycleExpiration:") ? .lifecycleExpiration : .removed
        return events.contains(family) && key.utf8.starts(with: prefix.utf8)
            && key.utf8.reversed().starts(with: suffix.utf8.reversed())
    }
}
