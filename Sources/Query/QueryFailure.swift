import AWSServices

/// Why a request was not answered with data: the client's fault (an `APIError`, shown to it), or ours (logged with
/// the request id, shown as a bare 500).
enum QueryFailure: Error {
    case api(APIError)
    case aws(AWSError)
}

extension QueryFailure {
    /// `body`'s value; an AWS error it throws, as a query failure: the one place one becomes the other.
    static func awsCall<Value>(_ body: () throws(AWSError) -> Value) throws(QueryFailure) -> Value {
        do throws(AWSError) {
            return try body()
        } catch {
            throw .aws(error)
        }
    }
}
