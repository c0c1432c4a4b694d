import CurlHTTP
import JSON

/// Reads an AWS error answer: JSON (`{"__type": "...#Code", "message": ...}`) or XML (`<Error><Code>`, or
/// `<ErrorResponse><Error><Code>` as moto and the query protocols write it). A body that is neither still gives
/// a typed error with the status as its code, so nothing downstream walks raw bytes.
enum ErrorDecoding {
    static func decode(_ response: HTTPResponse) -> AWSServiceError {
        let requestID = response.header("x-amzn-requestid") ?? response.header("x-amz-request-id")
        if let json = try? JSONParser.parse(response.body), let fields = try? JSONFields(json) {
            // The first of `keys` present as a string (AWS spells some members two ways).
            func text(_ keys: String...) -> String? {
                keys.lazy.compactMap { fields.members[$0]?.stringValue }.first
            }
            let type = text("__type", "code")
            let message = text("message", "Message")
            let reasons = (fields.members["CancellationReasons"]?.arrayValue ?? []).map {
                $0["Code"]?.stringValue ?? "None"
            }
            if let type {
                return AWSServiceError(
                    status: response.status, code: bareCode(type), message: message ?? "",
                    requestID: requestID, cancellationReasons: reasons)
            }
        }
        let text = response.bodyText
        if let code = xmlElement("Code", in: text) {
            return AWSServiceError(
                status: response.status, code: code, message: xmlElement("Message", in: text) ?? "",
                requestID: requestID ?? xmlElement("RequestId", in: text))
        }
        if let code = response.header("x-amz-error-code") {  // HEAD answers carry no body
            return AWSServiceError(status: response.status, code: code, message: "", requestID: requestID)
        }
        return AWSServiceError(
            status: response.status, code: "HTTP\(response.status)",
            message: String(text.prefix(200)), requestID: requestID)
    }

    /// `com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException` -> `ConditionalCheckFailedException`.
    static func bareCode(_ type: String) -> String {
        type.split(separator: "#").last.map(String.init) ?? type
    }

    /// The text of the first `<name>` element, entities decoded.
    static func xmlElement(_ name: String, in text: String) -> String? {
        guard let open = text.firstRange(of: "<\(name)>"),
            let close = text[open.upperBound...].firstRange(of: "</\(name)>")
        else { return nil }
        return decodeEntities(String(text[open.upperBound..<close.lowerBound]))
    }

    static func decodeEntities(_ text: String) -> String {
        var result = text
        for (entity, character) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&apos;", "'"), ("&amp;", "&")] {
            result = result.split(separator: entity, omittingEmptySubsequences: false).joined(separator: character)
        }
        return result
    }
}
