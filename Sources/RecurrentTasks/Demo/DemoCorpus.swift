import RecurrentTensor

/// A built-in training corpus for the demo, generated rather than downloaded: short stories
/// from a small probabilistic grammar written for this project (no third-party text). It has
/// the structure a character model can learn in a few minutes — words, agreement, punctuation,
/// capitalization, dialogue lines, paragraphs — while staying varied enough not to be memorized.
public enum DemoCorpus {
    /// About `characters` characters of stories from `seed` (the same seed, the same text).
    public static func text(characters: Int, seed: UInt64) -> String {
        var generator = RandomGenerator(seed: seed)
        var text = ""
        text.reserveCapacity(characters + 1000)
        while text.utf8.count < characters {
            text += story(&generator)
            text += "\n"
        }
        return text
    }

    static let animals = ["fox", "owl", "hare", "badger", "heron", "wolf", "otter", "crow", "deer", "mole", "wren", "bear"]
    static let names = ["Ada", "Tom", "Mira", "Ben", "Lena", "Oskar", "Nora", "Felix", "Ida", "Hugo", "Clara", "Jonas"]
    static let adjectives = ["little", "old", "quiet", "clever", "tired", "young", "brave", "grey", "curious", "gentle", "hungry", "proud"]
    static let places = ["the river", "the forest", "the hill", "the old mill", "the meadow", "the bridge", "the lake", "the village",
                         "the garden", "the valley", "the orchard", "the harbour"]
    static let things = ["a lantern", "an apple", "a key", "a letter", "a stone", "a basket of bread", "a feather", "a silver coin",
                         "a map", "a blue scarf", "a wooden box", "a small bell"]
    static let times = ["In the morning", "At dusk", "One winter night", "Late in the afternoon", "Before the rain came",
                        "On a windy day", "When the bells rang", "Long ago"]
    static let verbsPast = ["walked to", "ran to", "looked across", "came back from", "waited by", "sang near", "slept under the trees of",
                            "searched", "wandered through", "hurried past"]
    static let feelings = ["happy", "afraid", "surprised", "sad", "calm", "worried", "glad", "curious"]
    static let sayings = ["Where are you going?", "I have never seen this before.", "We should go home now.",
                          "Can you help me find the way?", "It is too late to turn back.", "Listen to the wind.",
                          "Nothing is lost that can be found.", "Let us wait until morning.", "Who left this here?",
                          "The water is cold today."]

    static func pick(_ options: [String], _ generator: inout RandomGenerator) -> String {
        options[generator.nextInt(below: options.count)]
    }

    static func capitalized(_ text: String) -> String { text.prefix(1).uppercased() + text.dropFirst() }

    static func character(_ generator: inout RandomGenerator) -> (name: String, pronoun: String) {
        if generator.nextInt(below: 2) == 0 {
            return (pick(names, &generator), generator.nextInt(below: 2) == 0 ? "she" : "he")
        }
        return ("the " + pick(adjectives, &generator) + " " + pick(animals, &generator), "it")
    }

    static func story(_ generator: inout RandomGenerator) -> String {
        let hero = character(&generator), friend = character(&generator)
        var lines: [String] = []
        lines.append("\(pick(times, &generator)), \(hero.name) \(pick(verbsPast, &generator)) \(pick(places, &generator)).")
        for _ in 0..<(2 + generator.nextInt(below: 4)) {
            switch generator.nextInt(below: 5) {
            case 0:
                lines.append("\(capitalized(hero.pronoun)) found \(pick(things, &generator)) and felt \(pick(feelings, &generator)).")
            case 1:
                lines.append("\(capitalized(friend.name)) said, \"\(pick(sayings, &generator))\"")
            case 2:
                lines.append("\(capitalized(hero.name)) and \(friend.name) \(pick(verbsPast, &generator)) \(pick(places, &generator)) together.")
            case 3:
                let count = 2 + generator.nextInt(below: 9)
                lines.append("There were \(count) \(pick(animals, &generator))s near \(pick(places, &generator)), and \(hero.pronoun) counted them twice.")
            default:
                lines.append("\(capitalized(hero.pronoun)) gave \(pick(things, &generator)) to \(friend.name), who was \(pick(feelings, &generator)).")
            }
        }
        lines.append("And so \(hero.name) went home, \(pick(feelings, &generator)) and a little wiser.")
        return lines.joined(separator: "\n") + "\n"
    }
}
