import Foundation

/// Virtual time and a baton. Every invocation runs on a thread of its own, but only the holder of the baton runs:
/// a thread gives it back whenever it waits (a request in flight, a sleep), and the scheduler hands it to whatever
/// is due next in virtual time. So the product's blocking code interleaves at request granularity, and a seed
/// replays the same interleaving: nothing but the seeded generator decides who runs.
public final class Scheduler: @unchecked Sendable {
    /// Milliseconds since the Unix epoch, virtual.
    public private(set) var now: Int
    private var events = EventQueue()
    private let yielded = DispatchSemaphore(value: 0)
    /// Events handled so far: a bound on every run.
    public private(set) var steps = 0

    public init(start: Int) {
        now = start
    }

    /// Runs `action` on the scheduler's thread at `time` (never earlier than now).
    public func at(_ time: Int, _ action: @escaping () -> Void) {
        events.push(time: max(time, now), .call(action))
    }

    /// Starts `body` on a new thread as `task`, at `time`: it runs, holding the baton, until its first wait.
    public func start(_ task: SimulatedTask, at time: Int, _ body: @escaping () -> Void) {
        // Only the baton's holder runs, so the body never runs alongside anything it shares state with.
        nonisolated(unsafe) let body = body
        events.push(
            time: max(time, now),
            .call { [self] in
                let thread = Thread { [self] in
                    task.wake.wait()
                    body()
                    task.finished = true
                    yielded.signal()
                }
                thread.stackSize = 16 << 20
                thread.start()
                task.wake.signal()
                yielded.wait()
            })
    }

    /// On a task's thread: lets `milliseconds` pass for it while others run; returns holding the baton again.
    public func wait(_ task: SimulatedTask, milliseconds: Int) {
        events.push(
            time: now + max(0, milliseconds),
            .call { [self] in
                task.wake.signal()
                yielded.wait()
            })
        yielded.signal()
        task.wake.wait()
    }

    /// Handles events in time order until `isDone` says so after an event, none is left, or `maxSteps` events or
    /// `until` pass; returns whether `isDone` said so.
    public func run(until: Int, maxSteps: Int, isDone: () -> Bool) -> Bool {
        while let (time, event) = events.pop() {
            guard time <= until, steps < maxSteps else { return false }
            now = time
            steps += 1
            switch event {
            case .call(let action): action()
            }
            if isDone() { return true }
        }
        return isDone()
    }

    /// Drops every event still to come: the pollers' closures hold the world that holds this scheduler, so a run
    /// that ends with them queued would never be freed (about 2.4 MB a schedule).
    public func clear() {
        events = EventQueue()
    }
}

/// One thread of the simulation: an invocation. It is killed (a crash, the deadline) by a flag its requests see.
public final class SimulatedTask: @unchecked Sendable {
    let wake = DispatchSemaphore(value: 0)
    public internal(set) var finished = false
    /// A killed task's requests fail unsent and its sleeps return at once, so it unwinds without effect.
    public var killed = false
    /// The invocation's request id, for traces.
    public let name: String

    public init(name: String) {
        self.name = name
    }
}

/// A min-heap of events by time, then by the order they were scheduled in.
struct EventQueue {
    enum Event {
        case call(() -> Void)
    }

    private var heap: [(time: Int, order: Int, event: Event)] = []
    private var order = 0

    mutating func push(time: Int, _ event: Event) {
        order += 1
        heap.append((time, order, event))
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard Self.precedes(heap[child], heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> (Int, Event)? {
        guard !heap.isEmpty else { return nil }
        heap.swapAt(0, heap.count - 1)
        let first = heap.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < heap.count, Self.precedes(heap[left], heap[smallest]) { smallest = left }
            if right < heap.count, Self.precedes(heap[right], heap[smallest]) { smallest = right }
            guard smallest != parent else { break }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
        return (first.time, first.event)
    }

    private static func precedes(
        _ lhs: (time: Int, order: Int, event: Event), _ rhs: (time: Int, order: Int, event: Event)
    ) -> Bool {
        lhs.time != rhs.time ? lhs.time < rhs.time : lhs.order < rhs.order
    }
}
