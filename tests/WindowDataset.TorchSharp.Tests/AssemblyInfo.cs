// torch.Tensor.TotalCount counts live tensors of every thread: tests that assert on it must not run beside others.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
