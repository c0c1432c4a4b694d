import AWSServices

extension Result where Failure == AWSError {
    /// The value, or the AWS error as an ingest failure: a request left unsent at its deadline is the deadline's.
    func orIngestFailure() throws(IngestFailure) -> Success {
        switch self {
        case .success(let value): return value
        case .failure(.notSent): throw .deadlineNear
        case .failure(let error): throw .aws(error)
        }
    }
}
