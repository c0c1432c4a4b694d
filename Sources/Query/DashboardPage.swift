import Hashing
import LambdaEvents

/// The dashboard (`GET /`, `GET /dashboard`): one self-contained HTML page shipped beside the bootstrap, served
/// with a Content-Security-Policy that allows its own inline script and style by their SHA-256 (computed here from
/// the page itself, so the page and its policy cannot drift), requests to this API only, and nothing else.
struct DashboardPage {
    let response: APIGatewayResponse

    init(html: [UInt8]) {
        let text = String(decoding: html, as: UTF8.self)
        let scripts = Self.contents(of: "script", in: text).map(Self.source).joined(separator: " ")
        let styles = Self.contents(of: "style", in: text).map(Self.source).joined(separator: " ")
        let policy = [
            "default-src 'none'", "script-src \(scripts)", "style-src \(styles)", "connect-src 'self'",
            "img-src 'self' data:", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
        ].joined(separator: "; ")
        response = APIGatewayResponse(
            statusCode: 200,
            headers: [
                "Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": policy,
                "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "Cache-Control": "no-cache",
            ], body: html)
    }

    /// The text between each `<tag>` and `</tag>` (the page's tags carry no attributes).
    static func contents(of tag: String, in text: String) -> [Substring] {
        var found: [Substring] = []
        var rest = text[...]
        while let open = rest.firstRange(of: "<\(tag)>"),
            let close = rest[open.upperBound...].firstRange(of: "</\(tag)>")
        {
            found.append(rest[open.upperBound..<close.lowerBound])
            rest = rest[close.upperBound...]
        }
        return found
    }

    private static func source(_ content: Substring) -> String {
        "'sha256-\(Base64.encode(SHA256.hash(Array(content.utf8))))'"
    }
}
