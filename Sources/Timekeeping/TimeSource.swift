import CSystem

/// A clock other than the system's, for the calling thread alone: the deterministic simulation runs each invocation
/// on a thread of its own whose time is virtual (and skewed per host). Production never sets one, so `WallClock` and
/// `MonotonicClock` read the system's clocks there.
public protocol TimeSource: AnyObject {
    /// Milliseconds since the Unix epoch, as this thread's host sees them.
    func nowMilliseconds() -> Int
    /// Lets `milliseconds` pass for this thread.
    func sleep(milliseconds: Int)
}

/// The calling thread's `TimeSource`, if a simulation gave it one.
public enum ThreadTimeSource {
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    private final class Holder {
        let source: any TimeSource
        init(_ source: any TimeSource) { self.source = source }
    }

    /// The source set for the calling thread; nil means the system's clocks.
    public static var current: (any TimeSource)? {
        guard let pointer = pthread_getspecific(key) else { return nil }
        return Unmanaged<Holder>.fromOpaque(pointer).takeUnretainedValue().source
    }

    /// Runs `body` with `source` as the calling thread's clock; the thread's clock is the system's again after.
    public static func with<T>(_ source: any TimeSource, _ body: () throws -> T) rethrows -> T {
        let retained = Unmanaged.passRetained(Holder(source))
        pthread_setspecific(key, retained.toOpaque())
        defer {
            pthread_setspecific(key, nil)
            retained.release()
        }
        return try body()
    }
}
