import LambdaEvents

/// The API's resources. Path parameters come from API Gateway when it gives them (it decodes them), else from the
/// path itself, percent-decoded here; a meter id or object key may hold any character, `/` included.
enum Route: Equatable {
    case day(date: String)
    case range
    case meterRange(meter: String)
    case meterDay(meter: String, date: String)
    case ingestions
    case ingestion(key: String)
    case openAPI

    static func match(_ request: APIGatewayRequest) -> Route? {
        let path = request.rawPath.count > 1 && request.rawPath.hasSuffix("/") ? String(request.rawPath.dropLast()) : request.rawPath
        func parameter(_ name: String, _ raw: Substring) -> String? {
            request.pathParameters[name] ?? PathDecoding.decode(raw)
        }
        switch path {
        case "/consumption": return .range
        case "/ingestions": return .ingestions
        case "/openapi.json": return .openAPI
        default: break
        }
        if let rest = path.dropPrefix("/consumption/"), !rest.contains("/") {
            return parameter("date", rest).map { .day(date: $0) }
        }
        if let rest = path.dropPrefix("/ingestions/"), !rest.isEmpty {
            return parameter("objectKey", rest).map { .ingestion(key: $0) }
        }
        if let rest = path.dropPrefix("/meters/") {
            if let meter = rest.dropSuffix("/consumption"), !meter.isEmpty {
                return parameter("meterId", meter).map { .meterRange(meter: $0) }
            }
            if let slash = rest.lastIndex(of: "/"), let meter = rest[..<slash].dropSuffix("/consumption"), !meter.isEmpty {
                let date = rest[rest.index(after: slash)...]
                guard let meterID = parameter("meterId", meter), let day = parameter("date", date) else { return nil }
                return .meterDay(meter: meterID, date: day)
            }
        }
        return nil
    }
}

/// Percent-decoding of a path segment (`+` stays a plus: that rule is for query strings and forms).
enum PathDecoding {
    static func decode(_ text: Substring) -> String? {
        guard text.contains("%") else { return String(text) }
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

extension StringProtocol {
    fileprivate func dropPrefix(_ prefix: String) -> SubSequence? {
        hasPrefix(prefix) ? self[index(startIndex, offsetBy: prefix.count)...] : nil
    }

    fileprivate func dropSuffix(_ suffix: String) -> SubSequence? {
        hasSuffix(suffix) ? self[..<index(endIndex, offsetBy: -suffix.count)] : nil
    }
}
