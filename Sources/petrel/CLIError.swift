import ArgumentParser
import Foundation

/// A runtime problem for the person at the terminal: one plain sentence, non-zero exit.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ sentence: String) { description = sentence }

    /// Runs `body`, turning any error into one sentence.
    static func wrap<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as CLIError { throw error } catch {
            throw CLIError("\(error)")
        }
    }
}

/// Parses `--set key=value` flags and host:port arguments.
enum SettingsParser {
    static func parse(_ settings: [String]) throws -> [String: String] {
        var out: [String: String] = [:]
        for setting in settings {
            guard let eq = setting.firstIndex(of: "="), eq != setting.startIndex else {
                throw CLIError("--set takes key=value, but got '\(setting)'; write it like --set num.partitions=3.")
            }
            out[String(setting[..<eq]).trimmingCharacters(in: .whitespaces)] =
                String(setting[setting.index(after: eq)...]).trimmingCharacters(in: .whitespaces)
        }
        return out
    }

    static func checkHostPort(_ value: String, flag: String) throws {
        guard let colon = value.lastIndex(of: ":"), let port = Int(value[value.index(after: colon)...]),
            (0...65535).contains(port), colon != value.startIndex
        else {
            throw CLIError("\(flag) takes host:port, but got '\(value)'; write it like \(flag) 127.0.0.1:9092.")
        }
    }
}
