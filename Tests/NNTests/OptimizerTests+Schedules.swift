import RecurrentNN
import RecurrentTensor
import RecurrentTestSupport
import Testing

// Learning-rate schedules and gradient clipping against scripts/make_optimizer_fixtures.py:
//
//     optimizer = torch.optim.SGD([param], lr=0.1); scheduler = make(optimizer)
//     for _ in range(30):
//         rates.append(optimizer.param_groups[0]["lr"]); optimizer.step(); scheduler.step()
//
//     scheduler = S.ReduceLROnPlateau(optimizer, **options)
//     for metric in PLATEAU_METRICS:
//         optimizer.step(); scheduler.step(metric); rates.append(optimizer.param_groups[0]["lr"])
//
//     total = torch.nn.utils.clip_grad_norm_(params, max_norm, norm_type=norm_type)  # grads = step 0's
//     torch.nn.utils.clip_grad_value_(params, 0.5)

extension OptimizerTests {
    /// The Swift twin of each schedule the script runs, by the script's name.
    static let schedules: [String: any LearningRateSchedule] = [
        "step": StepDecay(baseLearningRate: 0.1, stepSize: 7, gamma: 0.5),
        "step_default_gamma": StepDecay(baseLearningRate: 0.1, stepSize: 10),
        "exponential": ExponentialDecay(baseLearningRate: 0.1, gamma: 0.9),
        "cosine": CosineAnnealing(baseLearningRate: 0.1, annealingEpochs: 12, minimumLearningRate: 0.001),
        "cosine_default_eta_min": CosineAnnealing(baseLearningRate: 0.1, annealingEpochs: 30),
        "warmup_cosine": LinearWarmup(CosineAnnealing(baseLearningRate: 0.1, annealingEpochs: 25), warmupEpochs: 5, startFactor: 0.1),
        "warmup_step": LinearWarmup(StepDecay(baseLearningRate: 0.1, stepSize: 5, gamma: 0.5), warmupEpochs: 4, startFactor: 0.25),
    ]

    @Test func schedulesMatchPyTorch() throws {
        let fixture = try OptimizerFixture.load()
        #expect(Set(fixture.schedules.rates.keys) == Set(Self.schedules.keys))
        for (name, expected) in fixture.schedules.rates {
            guard let schedule = Self.schedules[name] else { continue }
            let rates = expected.indices.map { schedule.learningRate(at: $0) }
            expectClose(rates, expected.map(Float.init), relative: parityRelative, absolute: parityAbsolute, "\(name)")
        }
        #expect(LinearWarmup(ExponentialDecay(baseLearningRate: 0.3, gamma: 0.5), warmupEpochs: 3).learningRate(at: 0) == 0.1)
    }

    @Test func reduceOnPlateauMatchesPyTorch() throws {
        let fixture = try OptimizerFixture.load()
        #expect(fixture.plateau.cases.count == 5)
        for testCase in fixture.plateau.cases {
            let options = testCase.options
            var scheduler = ReduceLearningRateOnPlateau(
                learningRate: 0.1, mode: options.mode == "max" ? .maximize : .minimize, factor: options.factor ?? 0.1,
                patience: options.patience ?? 10, threshold: options.threshold ?? 1e-4,
                thresholdMode: options.thresholdMode == "abs" ? .absolute : .relative, cooldown: options.cooldown ?? 0,
                minimumLearningRate: options.minimumLearningRate ?? 0)
            if testCase.name == "defaults" { #expect(scheduler == ReduceLearningRateOnPlateau(learningRate: 0.1)) }
            let rates = fixture.plateau.metrics.map { scheduler.observe(metric: $0) }
            expectClose(rates, testCase.rates.map(Float.init), relative: parityRelative, absolute: parityAbsolute, "\(testCase.name)")
        }
    }

    static func fixtureGradientParameters(_ fixture: OptimizerFixture) -> [NamedParameter] {
        let parameters = fixture.makeParameters()
        fixture.feedGradients(step: 0, to: parameters)
        return parameters
    }

    @Test func clipGradientNormMatchesPyTorch() throws {
        let fixture = try OptimizerFixture.load()
        #expect(fixture.clipGradNorm.count == 5)
        for testCase in fixture.clipGradNorm {
            let parameters = Self.fixtureGradientParameters(fixture)
            let total = clipGradientNorm(parameters, maxNorm: testCase.maxNorm, normType: testCase.normType)
            expectClose([total], [testCase.totalNorm], relative: parityRelative, absolute: parityAbsolute, "p = \(testCase.normType)")
            for named in parameters {
                expectClose(named.parameter.gradient!.scalars, testCase.clipped[named.name]!, relative: parityRelative,
                            absolute: parityAbsolute, "p = \(testCase.normType), max \(testCase.maxNorm): \(named.name)")
            }
        }
        let parameters = Self.fixtureGradientParameters(fixture)
        clipGradientValue(parameters, limit: fixture.clipGradValue.limit)
        for named in parameters {
            #expect(named.parameter.gradient!.scalars == fixture.clipGradValue.clipped[named.name]!)
        }
    }

    /// Tied parameters count once; parameters without gradients are skipped; a gradient shared
    /// by two leaves (the same upstream tensor handed on by an addition) is scaled only where asked.
    @Test func clippingEdgeCases() {
        let a = Parameter(Tensor([3, 0])), b = Parameter(Tensor([0, 4])), idle = Parameter(Tensor([1]))
        #expect(clipGradientNorm([a, b, idle], maxNorm: 1) == 0)
        (a.value + b.value).sum().backward()  // both gradients are [1, 1]
        let total = clipGradientNorm([NamedParameter("a", a), NamedParameter("tied", a), NamedParameter("idle", idle)], maxNorm: 1)
        #expect(Swift.abs(total - Float(2).squareRoot()) < 1e-6)
        #expect(Swift.abs(a.gradient!.scalars[0] - 1 / (Float(2).squareRoot() + 1e-6)) < 1e-6)
        #expect(b.gradient!.scalars == [1, 1])
        #expect(idle.gradient == nil)
        #expect(clipGradientNorm([b], maxNorm: 10) == Float(2).squareRoot())
        #expect(b.gradient!.scalars == [1, 1])

        b.value.setGradient(Tensor([.nan, -3]))
        clipGradientValue([b], limit: 2)
        #expect(b.gradient!.scalars[0].isNaN && b.gradient!.scalars[1] == -2)
        b.value.mutateGradient { $0 = $0 * 0 }
        #expect(b.gradient!.scalars[1] == 0)
        b.value.scaleGradient(by: 2)
        #expect(b.gradient!.shape == [2])
    }
}
