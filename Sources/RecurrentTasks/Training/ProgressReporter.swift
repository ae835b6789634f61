import Foundation

/// Progress on standard error: a self-redrawing bar when stderr is a terminal, otherwise one
/// plain line every `plainInterval` seconds, so logs of non-interactive runs stay readable.
public final class ProgressReporter {
    public let isTerminal: Bool
    public var plainInterval: Double
    private var lastPrint = -Double.infinity
    private var lastLength = 0
    public var isEnabled: Bool

    public init(enabled: Bool = true, plainInterval: Double = 10) {
        isEnabled = enabled
        isTerminal = isatty(2) != 0
        self.plainInterval = plainInterval
    }

    /// Shows the current state (throttled to a few updates per second on a terminal).
    public func update(_ text: String, fraction: Double?, now: Double) {
        guard isEnabled else { return }
        if isTerminal {
            guard now - lastPrint >= 0.1 else { return }
            lastPrint = now
            var line = text
            if let fraction {
                let width = 20, filled = Int((min(max(fraction, 0), 1) * Double(width)).rounded(.down))
                line = "[" + String(repeating: "=", count: filled) + String(repeating: " ", count: width - filled) + "] " + line
            }
            let padding = max(0, lastLength - line.count)
            lastLength = line.count
            FileHandle.standardError.write(Data(("\r" + line + String(repeating: " ", count: padding)).utf8))
        } else if now - lastPrint >= plainInterval {
            lastPrint = now
            FileHandle.standardError.write(Data((text + "\n").utf8))
        }
    }

    /// Prints a line that stays (ending any bar in progress).
    public func line(_ text: String) {
        guard isEnabled else { return }
        if isTerminal && lastLength > 0 {
            FileHandle.standardError.write(Data(("\r" + String(repeating: " ", count: lastLength) + "\r").utf8))
            lastLength = 0
        }
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// "1h02m", "3m05s", "12s".
    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "?" }
        let total = Int(seconds.rounded())
        if total >= 3600 { return String(format: "%dh%02dm", total / 3600, (total % 3600) / 60) }
        if total >= 60 { return String(format: "%dm%02ds", total / 60, total % 60) }
        return "\(total)s"
    }
}
