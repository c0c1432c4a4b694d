import Timekeeping

/// The clock of the host an invocation runs on: the scheduler's virtual time, off by the host's skew. A sleep lets
/// the others run meanwhile. A killed task's clock runs a day ahead and its sleeps are instant, so whatever it
/// still does sees every deadline passed and unwinds.
final class HostClock: TimeSource {
    private let scheduler: Scheduler
    private let task: SimulatedTask
    let skewMilliseconds: Int

    init(scheduler: Scheduler, task: SimulatedTask, skewMilliseconds: Int) {
        self.scheduler = scheduler
        self.task = task
        self.skewMilliseconds = skewMilliseconds
    }

    func nowMilliseconds() -> Int {
        scheduler.now + skewMilliseconds + (task.killed ? 86_400_000 : 0)
    }

    func sleep(milliseconds: Int) {
        guard !task.killed else { return }
        scheduler.wait(task, milliseconds: milliseconds)
    }
}
