/// A string compared and hashed as its UTF-8 bytes. Object keys and meter ids are identities: S3 and DynamoDB
/// tell two byte sequences apart even where Swift's `String` equality (canonical equivalence) calls them equal.
public struct ByteIdentity: Hashable, Sendable {
    public let bytes: [UInt8]

    public init(_ text: String) {
        bytes = Array(text.utf8)
    }

    public var text: String { String(decoding: bytes, as: UTF8.self) }
}
