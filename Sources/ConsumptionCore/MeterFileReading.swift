/// The passes over one file that give an exact, final result in bounded memory.
///
/// 1. A first pass validates and totals, and may leave possibly repeated keys to confirm.
/// 2. Only then, a second pass over the same bytes confirms them exactly (its result replaces the first).
/// 3. With `onMeterDay`, and only for a valid file, a last pass hands every meter-day over — so a caller that
///    writes while it reads never sees a row of a file that turns out to be invalid.
public enum MeterFileReading {
    /// - Parameters:
    ///   - rangePlan: asks the result for `rangeStarts` (from whichever pass gives the result: all see the same bytes).
    ///   - feedFile: feeds the whole file from its first byte to the parser it is given, then returns; it is called
    ///     once for each pass.
    public static func read<Failure: Error>(
        rules: ValidationRules,
        rangePlan: RangePlan? = nil,
        onMeterDay: ((MeterDay) -> Void)? = nil,
        feedFile: (MeterFileParser) throws(Failure) -> Void
    ) throws(Failure) -> MeterFileResult {
        try read(
            rules: rules, repeatLimits: RepeatGuard.Limits(), rangePlan: rangePlan, onMeterDay: onMeterDay,
            feedFile: feedFile)
    }

    static func read<Failure: Error>(
        rules: ValidationRules,
        repeatLimits: RepeatGuard.Limits,
        rangePlan: RangePlan? = nil,
        onMeterDay: ((MeterDay) -> Void)?,
        feedFile: (MeterFileParser) throws(Failure) -> Void
    ) throws(Failure) -> MeterFileResult {
        func pass(_ check: RepeatCheck, _ sink: ((MeterDay) -> Void)?) throws(Failure) -> MeterFileResult {
            let parser = MeterFileParser(
                rules: rules, repeatCheck: check, repeatLimits: repeatLimits, rangePlan: rangePlan, onMeterDay: sink)
            try feedFile(parser)
            return parser.finish()
        }
        var result = try pass(.detect, nil)
        if let suspects = result.repeatsToConfirm { result = try pass(.confirm(suspects), nil) }
        if let onMeterDay, result.isValid { _ = try pass(.alreadyChecked, onMeterDay) }
        return result
    }
}
