import CurlHTTP

/// A request as an in-memory service reads it: the signed HTTP request the clients built, taken apart the way an
/// AWS endpoint does (host picks the service; path and query percent-decoded once).
public struct WireRequest {
    public var method: String
    /// The endpoint's authority (`dynamodb.sim`): which service the request is for.
    public var host: String
    /// Decoded path: `/` for the JSON and query protocols, `/bucket/key` (path style) for S3.
    public var path: String
    /// Decoded query parameters in the order sent; a bare name (`?versions`) has an empty value.
    public var query: [(name: String, value: String)]
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(
        method: String, host: String, path: String, query: [(name: String, value: String)] = [],
        headers: [(name: String, value: String)] = [], body: [UInt8] = []
    ) {
        self.method = method
        self.host = host
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// Takes `request.url` apart (`scheme://host/path?query`); nil when it is not such a URL.
    public init?(_ request: HTTPRequest) {
        let url = Array(request.url.utf8)
        guard let schemeEnd = Self.find(Array("://".utf8), in: url) else { return nil }
        let afterScheme = url[(schemeEnd + 3)...]
        let pathStart = afterScheme.firstIndex(of: UInt8(ascii: "/")) ?? afterScheme.endIndex
        let queryStart = afterScheme[pathStart...].firstIndex(of: UInt8(ascii: "?")) ?? afterScheme.endIndex
        method = request.method
        host = String(decoding: afterScheme[..<pathStart], as: UTF8.self)
        let rawPath = afterScheme[pathStart..<queryStart]
        path = rawPath.isEmpty ? "/" : Self.percentDecoded(rawPath, plusIsSpace: false)
        query = []
        if queryStart < afterScheme.endIndex {
            for pair in afterScheme[(queryStart + 1)...].split(separator: UInt8(ascii: "&")) {
                let equals = pair.firstIndex(of: UInt8(ascii: "="))
                let name = Self.percentDecoded(pair[..<(equals ?? pair.endIndex)], plusIsSpace: true)
                let value = equals.map { Self.percentDecoded(pair[($0 + 1)...], plusIsSpace: true) } ?? ""
                query.append((name, value))
            }
        }
        headers = request.headers
        body = request.body
    }

    /// The last value of a header, matched case-insensitively.
    public func header(_ name: String) -> String? {
        let key = name.lowercased()
        return headers.last { $0.name.lowercased() == key }?.value
    }

    /// The first value of a query parameter.
    public func queryValue(_ name: String) -> String? {
        query.first { $0.name == name }?.value
    }

    /// `application/x-www-form-urlencoded` fields (SNS's query protocol), decoded.
    public var formFields: [(name: String, value: String)] {
        body.split(separator: UInt8(ascii: "&")).map { pair in
            let equals = pair.firstIndex(of: UInt8(ascii: "="))
            let name = Self.percentDecoded(pair[..<(equals ?? pair.endIndex)], plusIsSpace: true)
            let value = equals.map { Self.percentDecoded(pair[($0 + 1)...], plusIsSpace: true) } ?? ""
            return (name, value)
        }
    }

    static func percentDecoded(_ bytes: ArraySlice<UInt8>, plusIsSpace: Bool) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%"), index + 2 < bytes.endIndex, let high = hex(bytes[index + 1]),
                let low = hex(bytes[index + 2])
            {
                output.append(high << 4 | low)
                index += 3
                continue
            }
            output.append(plusIsSpace && byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
            index += 1
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count)
        where haystack[start..<(start + needle.count)].elementsEqual(needle) {
            return start
        }
        return nil
    }
}

/// One AWS service held in memory: answers a request at a moment of the simulation's clock, atomically (the
/// simulation applies one request at a time), with the status, headers and body AWS documents for it.
public protocol InMemoryService: AnyObject {
    func respond(to request: WireRequest, at nowMilliseconds: Int) -> HTTPResponse
}
