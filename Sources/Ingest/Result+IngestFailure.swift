import AWSServices

extension Result where Failure == AWSError {
    /// The value, or the AWS error as an ingest failure.
    func orIngestFailure() throws(IngestFailure) -> Success {
        switch self {
        case .success(let value): return value
        case .failure(let error): throw .aws(error)
        }
    }
}
