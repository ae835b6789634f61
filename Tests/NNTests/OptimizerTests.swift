import RecurrentNN
import RecurrentTensor
import RecurrentTestSupport
import Testing

// Fixtures/optimizers.json comes from scripts/make_optimizer_fixtures.py (PyTorch 2.15.0):
//
//     initial = {name: torch.randn(shape, generator=generator) * 0.5 for name, shape in SHAPES.items()}
//     weight = torch.randn([3, 4], generator=generator); weight[0, 0] = 0
//     bias = torch.randn([4], generator=generator) * torch.tensor([1e-1, 1e-4, 1e-7, 1e-10])
//     optimizer = getattr(torch.optim, class_name)([params[n] for n in names], **options)
//     for step, grads in enumerate(gradients):
//         for name in names:
//             params[name].grad = None if (step, name) in skip else grads[name].clone()
//         optimizer.step()
//         trajectory.append({name: values(params[name]) for name in names})
//     state[f"{key}.{names[index]}"] = ...   # for index, per_parameter in optimizer.state_dict()["state"].items()
//
//     with correctly_rounded_sqrt():   # torch.Tensor.sqrt = lambda t: sqrt(t.double()).to(t.dtype)
//         exact_trajectory, exact_state = run_optimizer(class_name, options, set(skip), initial, gradients)
//
// `options` is e.g. {"lr": 0.1, "momentum": 0.9, "nesterov": True}; {} means PyTorch's defaults,
// and the Swift test then builds the optimizer with no arguments, so the defaults are checked too.

/// Parity with stock PyTorch: 1e-6 relative to each element or to the tensor's largest
/// magnitude, whichever is larger. The second term matters only for elements that cancel toward
/// zero: they keep the absolute error of the larger terms they came from, and ATen's CPU sqrt is
/// off by up to an ulp. `trajectoryMatchesPyTorchWithExactSquareRootBitForBit` shows that
/// nothing else differs. Elsewhere (schedules, clipping) the floor is negligible.
let parityRelative: Float = 1e-6, parityAbsolute: Float = 1e-12

func parityFloor(_ expected: [Float]) -> Float {
    parityRelative * expected.reduce(0) { Swift.max($0, Swift.abs($1)) } + parityAbsolute
}

@Suite struct OptimizerTests {
    static let caseNames = OptimizerFixture.shared?.optimizers.map(\.name) ?? []

    @Test func fixtureLoadsWithEveryConfiguration() throws {
        let fixture = try OptimizerFixture.load()
        #expect(fixture.optimizers.count == 21)
        #expect(Set(fixture.optimizers.map(\.optimizer)) == ["SGD", "Adagrad", "RMSprop", "Adam", "AdamW"])
        #expect(fixture.gradients.count == 10)
    }

    /// Runs a fixture case and calls `compare(actual, expected, what)` on every parameter after
    /// every step and on every state tensor at the end.
    static func replay(_ testCase: OptimizerFixture.OptimizerCase, against trajectory: OptimizerFixture.Trajectory,
                       _ fixture: OptimizerFixture, compare: ([Float], [Float], String) -> Void) {
        let parameters = fixture.makeParameters()
        let optimizer = makeOptimizer(testCase, parameters)
        for (step, expected) in trajectory.parameters.enumerated() {
            fixture.feedGradients(step: step, to: parameters, skipping: testCase.skip)
            optimizer.step()
            for named in parameters {
                compare(named.parameter.value.scalars, expected[named.name]!, "\(testCase.name): \(named.name) after step \(step + 1)")
            }
        }
        #expect(optimizer.stepCount == trajectory.parameters.count)
        let state = optimizer.stateTensors()
        #expect(Set(state.keys) == Set(trajectory.finalState.keys), "\(testCase.name): state keys")
        for (key, expected) in trajectory.finalState {
            guard let actual = state[key] else { continue }
            #expect(actual.shape == expected.shape, "\(testCase.name): \(key)")
            compare(actual.scalars, expected.values, "\(testCase.name): \(key)")
        }
    }

    @Test(arguments: caseNames)
    func trajectoryAndStateMatchPyTorch(_ name: String) throws {
        let fixture = try OptimizerFixture.load()
        let testCase = try #require(fixture.optimizers.first { $0.name == name })
        forEachInstructionSet { isa in
            Self.replay(testCase, against: testCase.stock, fixture) { actual, expected, what in
                expectClose(actual, expected, relative: parityRelative, absolute: parityFloor(expected), "\(isa) \(what)")
            }
        }
    }

    /// With PyTorch's sqrt replaced by a correctly rounded one, the trajectories and states are
    /// identical to the last bit: every other operation is rounded as ATen rounds it.
    @Test(arguments: caseNames)
    func trajectoryMatchesPyTorchWithExactSquareRootBitForBit(_ name: String) throws {
        let fixture = try OptimizerFixture.load()
        let testCase = try #require(fixture.optimizers.first { $0.name == name })
        Self.replay(testCase, against: testCase.exactSquareRoot ?? testCase.stock, fixture) { actual, expected, what in
            #expect(actual == expected, "\(what)")
        }
    }

    /// Save after 5 steps, restore into a new optimizer over new parameters, run 5 more: the
    /// result must equal an uninterrupted run bit for bit.
    @Test(arguments: caseNames)
    func savedStateResumesExactly(_ name: String) throws {
        let fixture = try OptimizerFixture.load()
        let testCase = try #require(fixture.optimizers.first { $0.name == name })
        let steps = testCase.steps, split = steps / 2

        let parameters = fixture.makeParameters()
        let uninterrupted = makeOptimizer(testCase, parameters)
        var savedState: [String: Tensor] = [:], savedValues: [Tensor] = []
        for step in 0..<steps {
            if step == split {
                savedState = uninterrupted.stateTensors()
                savedValues = parameters.map(\.parameter.value)
            }
            fixture.feedGradients(step: step, to: parameters, skipping: testCase.skip)
            uninterrupted.step()
        }

        let restoredParameters = fixture.makeParameters()
        for (named, value) in zip(restoredParameters, savedValues) { named.parameter.assign(value) }
        let resumed = makeOptimizer(testCase, restoredParameters)
        try resumed.loadState(savedState)
        resumed.stepCount = split
        for step in split..<steps {
            fixture.feedGradients(step: step, to: restoredParameters, skipping: testCase.skip)
            resumed.step()
        }
        for (original, restored) in zip(parameters, restoredParameters) {
            #expect(original.parameter.value.elementsEqual(restored.parameter.value), "\(name): \(original.name)")
        }
        #expect(resumed.stepCount == uninterrupted.stepCount)
        let finalState = uninterrupted.stateTensors(), resumedState = resumed.stateTensors()
        #expect(Set(finalState.keys) == Set(resumedState.keys))
        for (key, value) in finalState { #expect(resumedState[key].map { $0.elementsEqual(value) } == true, "\(name): \(key)") }
    }

    static func allOptimizers(_ parameters: [NamedParameter]) -> [any Optimizer] {
        [SGD(parameters, learningRate: 0.1, momentum: 0.9, weightDecay: 0.1), Adagrad(parameters, weightDecay: 0.1),
         RMSProp(parameters, weightDecay: 0.1, momentum: 0.5, centered: true),
         Adam(parameters, weightDecay: 0.1, amsgrad: true), AdamW(parameters, weightDecay: 0.1)]
    }

    /// Frozen parameters and parameters without a gradient are neither moved nor decayed and
    /// get no state; a parameter listed twice (tied weights) is updated once.
    /// The backward pass frees the graph, which shared the weights' storage (a layer's pullback
    /// keeps the weights it multiplied by): so the optimizer updates them in place even while the
    /// loss is still alive, as in a training loop that reads the loss after the step, instead of
    /// copying every weight first.
    @Test func optimizerStepUpdatesWeightsInPlaceAfterBackward() {
        var generator = RandomGenerator(seed: 3)
        let layer = Linear(inputSize: 4, outputSize: 3, generator: &generator)
        let optimizer = Adam(layer.parameters, learningRate: 0.1)
        let x = Tensor.randomNormal([5, 4], using: &generator)
        let loss = layer(x).squared().sum()
        loss.backward()
        let weight = layer.parameters[0].parameter
        let before = weight.value.unsafeBaseAddress, oldValues = weight.value.scalars
        optimizer.step()
        #expect(weight.value.unsafeBaseAddress == before, "the step copied the weight")
        #expect(weight.value.scalars != oldValues)
        #expect(loss.scalar > 0)  // the loss is still alive here
    }

    @Test func parametersWithoutGradientAreUntouched() {
        for index in 0..<Self.allOptimizers([]).count {
            let used = Parameter(Tensor([1, -2, 3])), unused = Parameter(Tensor([4, 5])), frozen = Parameter(Tensor([6, 7]), trainable: false)
            let named = [NamedParameter("used", used), NamedParameter("unused", unused), NamedParameter("frozen", frozen),
                         NamedParameter("tied", used)]
            let optimizer = Self.allOptimizers(named)[index]
            #expect(optimizer.parameters.map(\.name) == ["used", "unused", "frozen"])
            frozen.value.setGradient(Tensor([1, 1]))  // a frozen value is no leaf: ignored
            #expect(frozen.gradient == nil)

            // A tied parameter stepped once equals an untied copy stepped once.
            let reference = Parameter(Tensor([1, -2, 3]))
            let referenceOptimizer = Self.allOptimizers([NamedParameter("used", reference)])[index]
            for _ in 0..<3 {
                used.value.setGradient(Tensor([0.5, 0.25, -1]))
                reference.value.setGradient(Tensor([0.5, 0.25, -1]))
                optimizer.step()
                referenceOptimizer.step()
            }
            #expect(used.value.elementsEqual(reference.value), "\(type(of: optimizer))")
            #expect(unused.value.scalars == [4, 5], "\(type(of: optimizer))")
            #expect(frozen.value.scalars == [6, 7], "\(type(of: optimizer))")
            #expect(optimizer.stateTensors().keys.allSatisfy { $0.hasSuffix(".used") }, "\(type(of: optimizer))")
            optimizer.zeroGradients()
            #expect(used.gradient == nil)
        }
    }

    @Test func stepUsesGradientsFromBackward() {
        let parameter = Parameter(Tensor([1, -2]))
        let optimizer = SGD([NamedParameter("p", parameter)], learningRate: 0.1)
        (parameter.value * parameter.value).sum().backward()  // gradient 2p
        optimizer.step()
        #expect(parameter.value.scalars == [0.8, -1.6])
        #expect(parameter.value.requiresGradient && parameter.gradient != nil)
    }

    @Test func loadStateRejectsMismatchedStateAndKeepsItsOwn() throws {
        let parameters = [NamedParameter("rnn.weight_ih_l0", Parameter(Tensor(shape: [2, 2], scalars: [1, 2, 3, 4]))),
                          NamedParameter("rnn.bias_ih_l0", Parameter(Tensor([1, 2])))]
        let optimizer = Adam(parameters, learningRate: 0.1)
        for named in parameters { named.parameter.value.setGradient(Tensor(repeating: 1, shape: named.parameter.shape)) }
        optimizer.step()
        let good = optimizer.stateTensors()
        #expect(Set(good.keys) == ["step.rnn.weight_ih_l0", "exp_avg.rnn.weight_ih_l0", "exp_avg_sq.rnn.weight_ih_l0",
                                   "step.rnn.bias_ih_l0", "exp_avg.rnn.bias_ih_l0", "exp_avg_sq.rnn.bias_ih_l0"])
        #expect(good["step.rnn.bias_ih_l0"]!.shape == [] && good["step.rnn.bias_ih_l0"]!.scalar == 1)

        var extra = good
        extra["max_exp_avg_sq.rnn.bias_ih_l0"] = Tensor([0, 0])
        #expect(throws: OptimizerStateError.unexpectedKeys(["max_exp_avg_sq.rnn.bias_ih_l0"])) { try optimizer.loadState(extra) }
        var missing = good
        missing["exp_avg_sq.rnn.weight_ih_l0"] = nil
        #expect(throws: OptimizerStateError.missingKeys(["exp_avg_sq.rnn.weight_ih_l0"])) { try optimizer.loadState(missing) }
        var misshapen = good
        misshapen["exp_avg.rnn.bias_ih_l0"] = Tensor([0, 0, 0])
        #expect(throws: OptimizerStateError.shapeMismatch(key: "exp_avg.rnn.bias_ih_l0", expected: [2], found: [3])) {
            try optimizer.loadState(misshapen)
        }
        var badStep = good
        badStep["step.rnn.bias_ih_l0"] = Tensor(1.5)
        #expect(throws: OptimizerStateError.invalidStep(key: "step.rnn.bias_ih_l0", value: 1.5)) { try optimizer.loadState(badStep) }
        for bad in [Float.nan, .infinity] {
            var nonFinite = good
            nonFinite["exp_avg_sq.rnn.weight_ih_l0"] = Tensor(shape: [2, 2], scalars: [0, bad, 0, 0])
            #expect(throws: OptimizerStateError.nonFinite(key: "exp_avg_sq.rnn.weight_ih_l0")) { try optimizer.loadState(nonFinite) }
        }
        #expect(throws: OptimizerStateError.self) { try SGD(parameters, momentum: 0.9).loadState(good) }
        #expect(OptimizerStateError.missingKeys(["a.b"]).description.contains("a.b"))

        // Failed loads changed nothing; an empty state is a fresh start.
        let after = optimizer.stateTensors()
        #expect(after.keys.allSatisfy { after[$0]!.elementsEqual(good[$0]!) } && after.count == good.count)
        try optimizer.loadState([:])
        #expect(optimizer.stateTensors().isEmpty)
    }

    /// The fixture is sensitive to where ε goes: the paper's "efficient" form of Adam,
    /// `p ← p − η·√(1 − β₂ᵗ)/(1 − β₁ᵗ) · m / (√v + ε)`, must not match PyTorch's trajectory,
    /// and neither must Adam with a different ε.
    @Test func adamFixtureDetectsMisplacedEpsilon() throws {
        let fixture = try OptimizerFixture.load()
        let testCase = try #require(fixture.optimizers.first { $0.name == "adam" })
        let learningRate = 0.05, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8
        var worstRatio: Float = 0
        for name in ["weight", "bias"] {
            var parameter = fixture.initial[name]!.values.map(Double.init)
            var m = [Double](repeating: 0, count: parameter.count), v = m
            for step in 0..<testCase.steps {
                let t = Double(step + 1)
                let stepSize = learningRate * (1 - pow(beta2, t)).squareRoot() / (1 - pow(beta1, t))
                for (index, g) in fixture.gradients[step][name]!.map(Double.init).enumerated() {
                    m[index] = beta1 * m[index] + (1 - beta1) * g
                    v[index] = beta2 * v[index] + (1 - beta2) * g * g
                    parameter[index] -= stepSize * m[index] / (v[index].squareRoot() + epsilon)
                }
            }
            let expected = testCase.stock.parameters.last![name]!
            let ratio = closenessRatio(parameter.map(Float.init), expected, relative: parityRelative, absolute: parityFloor(expected))
            worstRatio = max(worstRatio, ratio)
        }
        #expect(worstRatio > 100, "the paper's ε placement should be far outside tolerance, ratio \(worstRatio)")

        let parameters = fixture.makeParameters()
        let perturbed = Adam(parameters, learningRate: 0.05, epsilon: 1.1e-8)
        for step in 0..<testCase.steps {
            fixture.feedGradients(step: step, to: parameters)
            perturbed.step()
        }
        let expected = testCase.stock.parameters.last!["bias"]!
        let ratio = closenessRatio(parameters[1].parameter.value.scalars, expected, relative: parityRelative,
                                   absolute: parityFloor(expected))
        #expect(ratio > 1, "a 10% change of ε should be detected, ratio \(ratio)")
    }
}

/// `Double` power without Foundation, for the reference loops above.
private func pow(_ base: Double, _ exponent: Double) -> Double {
    var result = 1.0
    for _ in 0..<Int(exponent) { result *= base }
    return result
}
