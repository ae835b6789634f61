// `import Recurrent` gives the whole toolkit: tensors and autodiff, layers, data formats and tasks.
@_exported import RecurrentTensor
@_exported import RecurrentNN
@_exported import RecurrentData
@_exported import RecurrentTasks
