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
