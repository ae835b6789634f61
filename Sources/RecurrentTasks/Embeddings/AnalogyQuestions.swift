import Foundation
import RecurrentData

/// Word analogy questions in the format of Mikolov et al.'s `questions-words.txt`: lines
/// `: section-name` start a section; every other non-blank line is four words `a b c d`, read
/// "a is to b as c is to d" (`Athens Greece Baghdad Iraq`).
public struct AnalogyQuestions: Equatable, Sendable {
    public struct Question: Equatable, Sendable {
        public var a: String, b: String, c: String, expected: String
        /// The 1-based line in the file.
        public var line: Int
    }

    public struct Section: Equatable, Sendable {
        public var name: String
        public var questions: [Question]
        /// Whether the section tests syntax (the Google set names those `gram…`) rather than meaning.
        public var isSyntactic: Bool { name.hasPrefix("gram") }
    }

    public var sections: [Section]

    public init(sections: [Section]) {
        self.sections = sections
    }

    /// Reads the questions of the file at `path`.
    /// - Throws: ``AnalogyQuestionsError`` for an unreadable file, a question before any section,
    ///   or a line that is not four words.
    public static func read(_ path: String) throws -> AnalogyQuestions {
        let text: String
        do {
            text = try TextFile.read(path)
        } catch let error as TextFileError {
            throw AnalogyQuestionsError(file: path, line: error.line, message: "\(error)")
        }
        return try parse(text, file: path)
    }

    /// Parses questions from `text`, naming `file` in errors.
    public static func parse(_ text: String, file: String) throws(AnalogyQuestionsError) -> AnalogyQuestions {
        var sections: [Section] = []
        for (offset, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = offset + 1
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            if trimmed.hasPrefix(":") {
                let name = trimmed.dropFirst().trimmingCharacters(in: .whitespaces)
                guard !name.isEmpty else { throw AnalogyQuestionsError(file: file, line: number, message: "a section line needs a name after ':'") }
                sections.append(Section(name: name, questions: []))
                continue
            }
            let words = trimmed.split(whereSeparator: \.isWhitespace).map(String.init)
            guard words.count == 4 else {
                throw AnalogyQuestionsError(file: file, line: number, message: "expected four words (a b c d: a is to b as c is to d), found \(words.count)")
            }
            guard !sections.isEmpty else {
                throw AnalogyQuestionsError(file: file, line: number, message: "a question comes before any ': section' line")
            }
            sections[sections.count - 1].questions.append(Question(a: words[0], b: words[1], c: words[2], expected: words[3], line: number))
        }
        guard sections.contains(where: { !$0.questions.isEmpty }) else {
            throw AnalogyQuestionsError(file: file, line: nil, message: "the file holds no questions")
        }
        return AnalogyQuestions(sections: sections)
    }
}

/// Why an analogy file cannot be used: `file:line: message`.
public struct AnalogyQuestionsError: Error, CustomStringConvertible, Equatable, Sendable {
    public var file: String
    public var line: Int?
    public var message: String

    public var description: String {
        message.hasPrefix(file) ? message : "\(file)\(line.map { ":\($0)" } ?? ""): \(message)"
    }
}
