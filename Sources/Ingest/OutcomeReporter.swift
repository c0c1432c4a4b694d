import LambdaRuntime

/// One log line and one metrics line per object: an ERROR line names every rejected file and its report.
struct OutcomeReporter {
    let logger: LambdaLogger
    let metrics: MetricsEmitter

    func report(_ outcome: ObjectOutcome) {
        switch outcome.kind {
        case .rejected:
            logger.error("file rejected", outcome.logFields)
        case .ignored where outcome.detail != nil:
            logger.error("object ignored", outcome.logFields)
        default:
            logger.info("object \(outcome.kind.rawValue)", outcome.logFields)
        }
        metrics.emit(outcome)
    }
}
