/// A DynamoDB stream sequence number (21 to 40 decimal digits), zero-padded to 40 so that DynamoDB's string
/// comparison in a condition orders them as numbers.
public struct StreamSequence: Comparable, Hashable, Sendable {
    public let padded: String
    /// The number as the stream wrote it (what Lambda's `batchItemFailures` expects back).
    public let text: String

    public init?(_ text: String) {
        guard (1...40).contains(text.utf8.count), text.utf8.allSatisfy({ (48...57).contains($0) }) else { return nil }
        self.text = text
        padded = String(repeating: "0", count: 40 - text.utf8.count) + text
    }

    public static func < (lhs: StreamSequence, rhs: StreamSequence) -> Bool { lhs.padded < rhs.padded }
    public static func == (lhs: StreamSequence, rhs: StreamSequence) -> Bool { lhs.padded == rhs.padded }
    public func hash(into hasher: inout Hasher) { hasher.combine(padded) }
}
