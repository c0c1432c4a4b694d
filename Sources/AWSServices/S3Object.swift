/// What S3 says of an object.
public struct S3ObjectHead: Sendable, Equatable {
    public var eTag: String
    public var versionID: String?
    /// As S3 writes it (`Sun, 22 Nov 2026 01:02:03 GMT`): whole seconds.
    public var lastModified: String
    public var size: Int
}

public struct S3ObjectSummary: Sendable, Equatable {
    public var key: String
    public var size: Int
    public var eTag: String
    public var lastModified: String
}
