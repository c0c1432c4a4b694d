/// Which way a meter-day's energy went: into the premises (consumption: every CSV file, NEM12 import channels) or
/// out of them (export: NEM12 channels with suffix B, such as solar). The two are totalled apart, never netted.
public enum EnergyFlow: String, Sendable, Equatable {
    case consumption
    case export
}
