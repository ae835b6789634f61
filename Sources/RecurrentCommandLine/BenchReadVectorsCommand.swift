import ArgumentParser
import Foundation
import Recurrent

extension WordVectorFormat: ExpressibleByArgument {}

/// `recurrent bench read-vectors`: how fast a word-vector file loads, whole or for a vocabulary.
struct BenchReadVectorsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "read-vectors",
        abstract: "Loading speed of a word-vector file (word2vec, GloVe, fastText) in MB/s, and the peak memory.",
        discussion: """
            With --vocab, only the rows of that text's words are kept (as `--embeddings-vocab-only` \
            does for a task), which reads in bounded memory. The file is read once, cold or warm as \
            the page cache holds it: run twice to see the warm figure.
            """
    )

    @Option(help: "The vector file.")
    var embeddings: String

    @Option(help: "Its format: \(WordVectorFormat.allCases.map(\.rawValue).joined(separator: ", ")) (default: detected).")
    var embeddingsFormat: WordVectorFormat?

    @Option(help: "Keep only the words of this text (whitespace-separated).")
    var vocab: String?

    @Flag(help: "Print one JSON object on stdout instead of text.")
    var json = false

    func run() throws {
        var wanted: Set<String>?
        if let vocab {
            wanted = Set(try TextFile.read(vocab).split(whereSeparator: \.isWhitespace).map(String.init))
        }
        let bytes = (try? FileManager.default.attributesOfItem(atPath: embeddings)[.size] as? Int) ?? 0
        let start = monotonicSeconds()
        let (vectors, report) = try WordVectorsReader.read(embeddings, format: embeddingsFormat, keeping: wanted.map { set in { set.contains($0) } })
        let seconds = monotonicSeconds() - start
        for notice in report.notices { printError(notice) }
        let megabytesPerSecond = Double(bytes) / 1e6 / seconds
        if json {
            try printJSON(["bytes": bytes, "seconds": seconds, "mb_per_second": (megabytesPerSecond * 10).rounded() / 10,
                           "rows": report.rowsRead, "kept": vectors.count, "dimension": vectors.dimension,
                           "format": report.format.rawValue, "peak_memory_mb": peakMemoryMegabytes().rounded()])
        } else {
            print(String(format: "read %@ (%@, %d rows x %d, kept %d) in %.2f s: %.0f MB/s (peak memory %.0f MB)", embeddings,
                         report.format.displayName, report.rowsRead, vectors.dimension, vectors.count, seconds, megabytesPerSecond,
                         peakMemoryMegabytes()))
        }
    }
}
