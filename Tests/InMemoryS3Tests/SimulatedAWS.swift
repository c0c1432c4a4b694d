import AWSServices
import AWSSigV4
import CurlHTTP
import InMemoryMessaging
import InMemoryS3
import InMemoryWire

/// S3, SQS and SNS in memory behind one transport, routed by host as the simulation routes them. The clock moves
/// only when a test moves it; the last answer is kept so a test can read a status the clients do not return.
final class SimulatedAWS: HTTPTransport {
    let s3 = InMemoryS3()
    let sqs = InMemorySQS()
    let sns = InMemorySNS()
    /// 2026-11-18T…, an ordinary day.
    var nowMilliseconds = 1_795_000_000_000
    private(set) var lastResponse: HTTPResponse?

    /// A client signing as the product does, its endpoints pointing here.
    func client() -> AWSClient {
        AWSClient(
            configuration: AWSConfiguration(
                credentials: AWSCredentials(accessKeyID: "AKID", secretAccessKey: "secret", sessionToken: nil),
                region: "us-east-1",
                endpoints: ["s3": "http://s3.sim", "sqs": "http://sqs.sim", "sns": "http://sns.sim"]),
            http: self)
    }

    func advance(seconds: Int) {
        nowMilliseconds += seconds * 1000
    }

    func send(_ request: HTTPRequest) throws(HTTPError) -> HTTPResponse {
        guard let wire = WireRequest(request) else {
            throw .transport(TransportFailure(kind: .invalidRequest, code: 3, message: "bad URL \(request.url)"))
        }
        let service: any InMemoryService
        switch wire.host {
        case "s3.sim": service = s3
        case "sqs.sim": service = sqs
        case "sns.sim": service = sns
        default: throw .transport(TransportFailure(kind: .resolve, code: 6, message: "no host \(wire.host)"))
        }
        let response = service.respond(to: wire, at: nowMilliseconds)
        lastResponse = response
        return response
    }

    /// Hands the body over in three pieces, as a network would in several reads.
    func send(
        _ request: HTTPRequest, onHead: ((Int, [(name: String, value: String)]) -> Void)?,
        onBody: @escaping (UnsafeRawBufferPointer) -> Bool
    ) throws(HTTPError) -> HTTPResponse {
        var response = try send(request)
        onHead?(response.status, response.headers)
        let size = response.body.count
        let cuts = [0, size / 3, 2 * size / 3, size]
        for (start, end) in zip(cuts, cuts.dropFirst()) where start < end {
            let delivered = response.body[start..<end].withUnsafeBytes { onBody($0) }
            if !delivered { throw .aborted }
        }
        response.body = []
        return response
    }

    func sendAll(_ requests: [HTTPRequest], maxInFlight: Int, mayStart: ((Int) -> Bool)?)
        -> [Result<HTTPResponse, HTTPError>]
    {
        requests.map { request in
            do throws(HTTPError) {
                return .success(try send(request))
            } catch {
                return .failure(error)
            }
        }
    }
}

/// The service error a call failed with, or nil when it failed otherwise or not at all.
func serviceError(_ call: () throws(AWSError) -> Void) -> AWSServiceError? {
    do throws(AWSError) {
        try call()
        return nil
    } catch {
        if case .service(let failure) = error { return failure }
        return nil
    }
}
