import Foundation

/// The text of a training log shaped like the ``Trainer``'s (`--log` files): a `train` record
/// every `reportEvery` steps, a `validation` record at each epoch's end (batch 0 of the next)
/// with `valid_loss` and `valid_accuracy`, and an `end` record. Losses fall as
/// `floor + 2·exp(-step/150)`; validation sits a little above training.
public func syntheticTrainingLog(epochs: Int = 4, stepsPerEpoch: Int = 100, reportEvery: Int = 25, secondsPerStep: Double = 0.1,
                                 floor: Double = 1.5) -> String {
    func line(_ fields: [String: Any]) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys]), as: UTF8.self) + "\n"
    }
    var text = ""
    for step in 1...(epochs * stepsPerEpoch) {
        let loss = floor + 2 * exp(-Double(step) / 150)
        if step % reportEvery == 0 {
            text += line(["event": "train", "step": step, "epoch": (step - 1) / stepsPerEpoch, "loss": loss,
                          "learning_rate": 0.002, "items_per_second": 1000.0, "train_seconds": Double(step) * secondsPerStep])
        }
        if step % stepsPerEpoch == 0 {
            text += line(["event": "validation", "step": step, "epoch": step / stepsPerEpoch, "batch": 0, "improved": true,
                          "train_seconds": Double(step) * secondsPerStep, "valid_seconds": 0.5, "learning_rate": 0.002,
                          "valid_loss": loss + 0.1, "valid_accuracy": 1 - loss / 4])
        }
    }
    text += line(["event": "end", "step": epochs * stepsPerEpoch, "epoch": epochs, "reason": "epochs",
                  "best_valid_loss": floor + 0.1, "train_seconds": Double(epochs * stepsPerEpoch) * secondsPerStep])
    return text
}
