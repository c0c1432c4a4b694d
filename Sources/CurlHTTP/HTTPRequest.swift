/// An HTTP request: the method, the full URL (already percent-encoded), headers, and a body held in memory.
public struct HTTPRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// The whole exchange's time limit in milliseconds; nil for none (the Runtime API's long poll).
    public var timeoutMilliseconds: Int?

    public init(
        method: String, url: String, headers: [(name: String, value: String)] = [], body: [UInt8] = [],
        timeoutMilliseconds: Int? = 30_000
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeoutMilliseconds = timeoutMilliseconds
    }
}

/// A response: status, headers in order, and the body unless it was streamed to a callback.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The last value of a header, matched case-insensitively.
    public func header(_ name: String) -> String? {
        let key = name.lowercased()
        return headers.last { $0.name.lowercased() == key }?.value
    }

    public var isSuccess: Bool { (200..<300).contains(status) }

    /// The body as text (for error messages and logs).
    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}
