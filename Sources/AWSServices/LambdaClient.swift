import Timekeeping

/// Lambda's Invoke API, synchronous (`RequestResponse`): what `consumption backfill --function` calls.
public final class LambdaClient {
    public let client: AWSClient

    public init(client: AWSClient) {
        self.client = client
    }

    /// The function's answer, and its error kind when the function failed (`X-Amz-Function-Error`).
    public func invoke(function: String, payload: [UInt8], deadline: Deadline? = nil) throws(AWSError)
        -> (payload: [UInt8], functionError: String?)
    {
        let response = try client.send(
            AWSRequest(
                service: "lambda", method: "POST", path: "/2015-03-31/functions/\(function)/invocations",
                headers: [("content-type", "application/json"), ("x-amz-invocation-type", "RequestResponse")],
                body: payload, deadline: deadline))
        return (response.body, response.header("x-amz-function-error"))
    }
}
