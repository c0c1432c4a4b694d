import LambdaRuntime

/// One log line and one metrics line per object: an ERROR line names every rejected file and its report.
struct OutcomeReporter {
    let logger: LambdaLogger
    let metrics: MetricsEmitter

    func report(_ outcome: ObjectOutcome) {
        switch outcome.kind {
        case .rejected:
            logger.error("file rejected", outcome.logFields)
        case .unassigned:
            logger.error("object unassigned", outcome.logFields)
        default:
            logger.info("object \(outcome.kind.rawValue)", outcome.logFields)
        }
        metrics.emit(outcome)
    }
}
