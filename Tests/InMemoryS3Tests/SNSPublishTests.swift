import AWSServices
import InMemoryMessaging
import Testing

/// SNS as the product's `SNSClient` publishes to it: messages kept for the simulation to read.
@Suite("SNS Publish")
struct SNSPublishTests {
    let aws = SimulatedAWS()

    @Test("a published message is kept with its topic, subject and text")
    func publishIsKept() throws {
        let topic = aws.sns.createTopic("ingest-alerts")
        try SNSClient(client: aws.client()).publish(
            topic: topic, subject: "Ingest failed", message: "meter 42: line 7 & more")
        #expect(aws.lastResponse?.bodyText.contains("<MessageId>") == true)
        let kept = try #require(aws.sns.published.first)
        #expect(kept.topicARN == "arn:aws:sns:us-east-1:123456789012:ingest-alerts")
        #expect(kept.subject == "Ingest failed")
        #expect(kept.message == "meter 42: line 7 & more")
        #expect(kept.atMilliseconds == aws.nowMilliseconds)
    }

    @Test("publishing to a topic that does not exist is 404 NotFound")
    func unknownTopic() {
        let failure = serviceError { () throws(AWSError) in
            try SNSClient(client: aws.client()).publish(
                topic: "arn:aws:sns:us-east-1:123456789012:none", subject: "s", message: "m")
        }
        #expect(failure?.status == 404)
        #expect(failure?.code == "NotFound")
        #expect(aws.sns.published.isEmpty)
    }
}
