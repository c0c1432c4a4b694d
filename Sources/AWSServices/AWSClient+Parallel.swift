import CurlHTTP
import Timekeeping

extension AWSClient {
    /// Sends every request, at most `maxInFlight` at a time, and returns each outcome in request order. Requests
    /// that fail for a retryable reason go again in the next round, after one backoff for the whole round, within
    /// the same bounds as `send`: attempts, total time, and each request's deadline.
    public func sendAll(_ requests: [AWSRequest], maxInFlight: Int) -> [Result<HTTPResponse, AWSError>] {
        var results = [Result<HTTPResponse, AWSError>?](repeating: nil, count: requests.count)
        var pending = Array(requests.indices)
        var lastErrors: [Int: String] = [:]
        let started = MonotonicClock.nowMilliseconds()
        for round in 1...retryPolicy.maxAttempts where !pending.isEmpty {
            attempts += pending.count
            // A request whose deadline passed while it waited for a connection is not sent: the deadline may be
            // a lease's, past which the write must not land.
            let batch = pending
            let outcomes = http.sendAll(
                batch.map { signed(requests[$0]) }, maxInFlight: maxInFlight,
                mayStart: { requests[batch[$0]].deadline.map { !$0.hasPassed } ?? true })
            var retry: [Int] = []
            for (index, outcome) in zip(pending, outcomes) {
                countUnanswered(outcome)
                switch Self.verdict(on: outcome, bodyDelivered: false) {
                case .done(let response): results[index] = .success(response)
                case .failed(let error): results[index] = .failure(error)
                case .retry(let reason):
                    retry.append(index)
                    lastErrors[index] = reason
                }
            }
            pending = retry
            guard !pending.isEmpty, round < retryPolicy.maxAttempts else { break }
            let delay = retryPolicy.delayMilliseconds(afterAttempt: round, using: &random)
            let spent = MonotonicClock.nowMilliseconds() - started
            if spent + delay > retryPolicy.maxTotalMilliseconds { break }
            let overdue = pending.filter { index in
                requests[index].deadline.map { $0.isWithin(milliseconds: delay) } ?? false
            }
            for index in overdue { results[index] = .failure(.deadline(lastError: lastErrors[index] ?? "")) }
            pending.removeAll { overdue.contains($0) }
            MonotonicClock.sleep(milliseconds: delay)
        }
        for index in pending { results[index] = .failure(.outOfTime(lastError: lastErrors[index] ?? "")) }
        return results.map { $0 ?? .failure(.outOfTime(lastError: "not sent")) }
    }
}
