import CurlHTTP
import InMemoryWire

/// SNS held in memory, for the one call the project makes: Publish over the query protocol (a form body,
/// `Action=Publish`), answered with the XML AWS documents. Messages are kept, not delivered: the simulation reads
/// them to see what the product reported.
public final class InMemorySNS: InMemoryService {
    /// One accepted Publish.
    public struct Publication: Sendable, Equatable {
        public let messageID: String
        public let topicARN: String
        public let subject: String?
        public let message: String
        public let atMilliseconds: Int
    }

    public let region: String
    public let accountID: String
    public private(set) var published: [Publication] = []
    private var topics: Set<String> = []

    public init(region: String = "us-east-1", accountID: String = "123456789012") {
        self.region = region
        self.accountID = accountID
    }

    /// Creates a topic; returns its ARN.
    @discardableResult
    public func createTopic(_ name: String) -> String {
        let arn = "arn:aws:sns:\(region):\(accountID):\(name)"
        topics.insert(arn)
        return arn
    }

    public func respond(to request: WireRequest, at nowMilliseconds: Int) -> HTTPResponse {
        let fields = Dictionary(request.formFields.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
        guard fields["Action"] == "Publish" else {
            return Self.failure(400, "InvalidAction", "Only Publish is modelled.")
        }
        guard let topic = fields["TopicArn"], topics.contains(topic) else {
            return Self.failure(404, "NotFound", "Topic does not exist")
        }
        guard let message = fields["Message"], !message.isEmpty, message.utf8.count <= 262_144 else {
            return Self.failure(400, "InvalidParameter", "Invalid parameter: Message must be 1 byte to 256 KB")
        }
        let subject = fields["Subject"]
        if let subject, subject.isEmpty || subject.count > 100 || !subject.unicodeScalars.allSatisfy(\.isASCII) {
            return Self.failure(400, "InvalidParameter", "Invalid parameter: Subject")
        }
        let messageID = "sns-\(published.count + 1)"
        published.append(
            Publication(
                messageID: messageID, topicARN: topic, subject: subject, message: message,
                atMilliseconds: nowMilliseconds))
        let xml =
            "<PublishResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><PublishResult><MessageId>"
            + "\(messageID)</MessageId></PublishResult><ResponseMetadata><RequestId>sns-request-\(published.count)"
            + "</RequestId></ResponseMetadata></PublishResponse>"
        return HTTPResponse(status: 200, headers: [("content-type", "text/xml")], body: Array(xml.utf8))
    }

    /// The query protocol's error document.
    private static func failure(_ status: Int, _ code: String, _ message: String) -> HTTPResponse {
        let xml =
            "<ErrorResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><Error><Type>Sender</Type>"
            + "<Code>\(code)</Code><Message>\(message)</Message></Error><RequestId>sns-error</RequestId>"
            + "</ErrorResponse>"
        return HTTPResponse(status: status, headers: [("content-type", "text/xml")], body: Array(xml.utf8))
    }
}
