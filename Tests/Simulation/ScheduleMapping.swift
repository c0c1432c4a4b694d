import JSON
import Timekeeping

/// EventBridge's schedule as template.yaml sets it up for the analytics runs (`AnalyticsSchedule`, `rate(15
/// minutes)`): a Scheduled Event every period, invoked asynchronously whatever the last run is doing, and a run that
/// fails not tried again (`MaximumRetryAttempts: 0`): the next one takes the marks it left.
final class ScheduleMapping {
    private let world: World
    private let host: FunctionHost
    private let everyMilliseconds: Int
    private var runs = 0

    init(world: World, host: FunctionHost, everyMilliseconds: Int) {
        self.world = world
        self.host = host
        self.everyMilliseconds = everyMilliseconds
    }

    func start() {
        world.scheduler.at(world.scheduler.now + everyMilliseconds) { [self] in
            runs += 1
            let event: JSONValue = [
                "version": "0", "id": .string("sim-schedule-\(runs)"), "detail-type": "Scheduled Event",
                "source": "aws.events", "account": .string(World.account),
                "time": .string(WallClock.iso8601(milliseconds: world.scheduler.now)), "region": .string(World.region),
                "resources": [.string("arn:aws:events:\(World.region):\(World.account):rule/analytics")],
                "detail": [:],
            ]
            host.invoke(event) { _ in }
            start()
        }
    }
}
