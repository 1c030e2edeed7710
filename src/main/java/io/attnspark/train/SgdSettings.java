package io.attnspark.train;

import java.io.Serializable;

/**
 * Stochastic gradient descent with momentum and L2 weight decay, with PyTorch's {@code
 * torch.optim.SGD} semantics (dampening 0, not Nesterov): {@code g = grad + wd * w; buf = mu * buf
 * + g; w -= lr * buf}. DJL's own SGD puts the learning rate inside the momentum buffer (MXNet's
 * convention), which differs from PyTorch whenever the learning rate changes.
 *
 * @param momentum the momentum factor mu, 0 <= mu < 1
 * @param weightDecay the L2 factor, >= 0
 */
public record SgdSettings(double momentum, double weightDecay) implements Serializable {

    /** Validates the settings. */
    public SgdSettings {
        if (momentum < 0 || momentum >= 1) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        }
        if (weightDecay < 0) {
            throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
        }
    }
}
