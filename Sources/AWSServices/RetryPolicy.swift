/// Exponential backoff with full jitter (the AWS Architecture Blog's "full jitter"), bounded in attempts and in
/// total time, and never past the caller's deadline.
public struct RetryPolicy: Sendable {
    public var maxAttempts: Int
    public var baseDelayMilliseconds: Int
    public var maxDelayMilliseconds: Int
    /// The most time one call may spend, retries included: enough for two attempts that each run to an exchange's
    /// 30 s limit (was 30 s, so a request that timed out was never tried again), and never past the deadline.
    public var maxTotalMilliseconds: Int

    public init(
        maxAttempts: Int = 6, baseDelayMilliseconds: Int = 50, maxDelayMilliseconds: Int = 5_000,
        maxTotalMilliseconds: Int = 90_000
    ) {
        self.maxAttempts = maxAttempts
        self.baseDelayMilliseconds = baseDelayMilliseconds
        self.maxDelayMilliseconds = maxDelayMilliseconds
        self.maxTotalMilliseconds = maxTotalMilliseconds
    }

    /// The wait before attempt `attempt + 1`: uniform in 0...min(cap, base × 2^(attempt-1)).
    public func delayMilliseconds(afterAttempt attempt: Int, using random: inout some RandomNumberGenerator) -> Int {
        let exponent = min(attempt - 1, 20)
        let ceiling = min(maxDelayMilliseconds, baseDelayMilliseconds << exponent)
        return Int.random(in: 0...max(0, ceiling), using: &random)
    }
}
