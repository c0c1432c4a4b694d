import JSON

/// What EventBridge Scheduler and a rule's schedule send: `{"source": "aws.events", "detail-type": "Scheduled
/// Event", "time": ...}`. The function needs only to tell it from the other events it takes.
public enum ScheduledEvent {
    public static func isScheduled(_ json: JSONValue) -> Bool {
        json["source"]?.stringValue == "aws.events" && json["detail-type"]?.stringValue == "Scheduled Event"
    }
}
