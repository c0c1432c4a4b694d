/// An HTTP request: the method, the full URL (already percent-encoded), headers, and a body held in memory.
public struct HTTPRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// The whole exchange's time limit in milliseconds; nil for none (the Runtime API's long poll).
    public var timeoutMilliseconds: Int?
    /// A transfer that moves no byte for this many seconds fails as a timeout: the bound of a long stream, whose
    /// fair total depends on its size. Nil: no such bound.
    public var stallSeconds: Int?

    public init(
        method: String, url: String, headers: [(name: String, value: String)] = [], body: [UInt8] = [],
        timeoutMilliseconds: Int? = 30_000, stallSeconds: Int? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeoutMilliseconds = timeoutMilliseconds
        self.stallSeconds = stallSeconds
    }
}
