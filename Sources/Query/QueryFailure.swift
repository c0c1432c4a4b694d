import AWSServices

/// Why a request was not answered with data: the client's fault (an `APIError`, shown to it), or ours (logged with
/// the request id, shown as a bare 500).
enum QueryFailure: Error {
    case api(APIError)
    case aws(AWSError)
}
