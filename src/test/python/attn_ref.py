"""numpy transcriptions of the reference attention modules (eval mode, state_dict naming).

Each block has `<name>_params(cfg) -> {state_dict name: shape}` and `<name>_forward(x, p, cfg)`
(AFF/iAFF take `x, y`). `cfg` is the blockcheck JSON config: "ref" plus the reference
constructor's keyword arguments by their PyTorch names. Everything is computed in float64.
Sources are named per block; see /work/shared/attention-reference/ for the reading notes.
"""
import math

import numpy as np

EPS = 1e-5


# ----------------------------------------------------------------------------- primitives
def _pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def conv2d(x, w, b=None, stride=1, pad=0, dil=1, groups=1):
    """PyTorch Conv2d: cross-correlation, zero padding, weight [O, C/g, kh, kw]."""
    sh, sw = _pair(stride)
    ph, pw = _pair(pad)
    dh, dw = _pair(dil)
    B, C, H, W = x.shape
    O, Cg, kh, kw = w.shape
    assert C == Cg * groups, (C, Cg, groups)
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    Ho = (H + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    Wo = (W + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    out = np.zeros((B, O, Ho, Wo))
    Og = O // groups
    for g in range(groups):
        xg = xp[:, g * Cg:(g + 1) * Cg]
        wg = w[g * Og:(g + 1) * Og]
        for i in range(kh):
            for j in range(kw):
                patch = xg[:, :, i * dh: i * dh + sh * (Ho - 1) + 1: sh,
                           j * dw: j * dw + sw * (Wo - 1) + 1: sw]
                out[:, g * Og:(g + 1) * Og] += np.einsum('bchw,oc->bohw', patch, wg[:, :, i, j])
    if b is not None:
        out += b[None, :, None, None]
    return out


def conv(x, p, name, bias=True, **kw):
    return conv2d(x, p[name + '.weight'], p.get(name + '.bias') if bias else None, **kw)


def conv1d(x, w, pad):
    """x [B, 1, L], w [1, 1, k]."""
    return conv2d(x[:, :, None, :], w[:, :, None, :], pad=(0, pad))[:, :, 0, :]


def linear(x, p, name, bias=True):
    y = x @ p[name + '.weight'].T
    if bias:
        y = y + p[name + '.bias']
    return y


def bn(x, p, name, eps=EPS):
    shape = (1, -1) + (1,) * (x.ndim - 2)
    m = p[name + '.running_mean'].reshape(shape)
    v = p[name + '.running_var'].reshape(shape)
    g = p[name + '.weight'].reshape(shape)
    b = p[name + '.bias'].reshape(shape)
    return (x - m) / np.sqrt(v + eps) * g + b


def relu(x):
    return np.maximum(x, 0)


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def act_fn(name):
    """timm create_act_layer / PyTorch activation by name (hard_sigmoid = nn.Hardsigmoid)."""
    n = str(name).strip().lower()
    for pre in ('torch.nn.', 'nn.', 'torch.'):
        if n.startswith(pre):
            n = n[len(pre):]
    n = n.replace('_', '')
    hs = lambda x: np.clip(x + 3, 0, 6) / 6
    return {'relu': relu, 'relu6': lambda x: np.clip(x, 0, 6), 'sigmoid': sigmoid, 'hardsigmoid': hs,
            'silu': lambda x: x * sigmoid(x), 'swish': lambda x: x * sigmoid(x),
            'hardswish': lambda x: x * hs(x), 'tanh': np.tanh, 'identity': lambda x: x}[n]


def is_bn(v):
    return v not in (None, False, 'none', 'None', '')


def softmax(x, axis):
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def bn_shapes(name, c):
    return {name + '.weight': (c,), name + '.bias': (c,), name + '.running_mean': (c,),
            name + '.running_var': (c,)}


def make_divisible(v, divisor=8, min_value=None, round_limit=.9):
    """timm layers/helpers.py."""
    min_value = min_value or divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < round_limit * v:
        new_v += divisor
    return new_v


# ----------------------------------------------------------------------------- SE
def _se_rd(cfg):
    if cfg.get('ref', 'timm') == 'selayer':
        return cfg['channel'], cfg['channel'] // cfg.get('reduction', 16)
    c = cfg['channels']
    rd = cfg.get('rd_channels') or make_divisible(c * cfg.get('rd_ratio', 1 / 16), cfg.get('rd_divisor', 8),
                                                  round_limit=0.)
    return c, rd


def se_params(cfg):
    c, rd = _se_rd(cfg)
    if cfg.get('ref', 'timm') == 'selayer':
        return {'fc.0.weight': (rd, c), 'fc.2.weight': (c, rd)}
    p = {'fc1.weight': (rd, c, 1, 1), 'fc2.weight': (c, rd, 1, 1)}
    if cfg.get('bias', True):
        p['fc1.bias'] = (rd,)
        p['fc2.bias'] = (c,)
    if is_bn(cfg.get('norm_layer')):
        p.update(bn_shapes('bn', rd))
    return p


def se_forward(x, p, cfg):
    if cfg.get('ref', 'timm') == 'selayer':
        s = x.mean(axis=(2, 3))
        a = sigmoid(relu(s @ p['fc.0.weight'].T) @ p['fc.2.weight'].T)
        return x * a[:, :, None, None]
    s = x.mean(axis=(2, 3), keepdims=True)
    if cfg.get('add_maxpool', False):
        s = 0.5 * s + 0.5 * x.max(axis=(2, 3), keepdims=True)
    bias = cfg.get('bias', True)
    z = conv(s, p, 'fc1', bias)
    if is_bn(cfg.get('norm_layer')):
        z = bn(z, p, 'bn')
    z = act_fn(cfg.get('act_layer', 'relu'))(z)
    return x * act_fn(cfg.get('gate_layer', 'sigmoid'))(conv(z, p, 'fc2', bias))


# ----------------------------------------------------------------------------- ECA
def eca_k(cfg):
    if cfg.get('ref', 'official') == 'timm':
        k = cfg.get('kernel_size', 3)
        if cfg.get('channels') is not None:
            t = int(abs(math.log(cfg['channels'], 2) + cfg.get('beta', 1)) / cfg.get('gamma', 2))
            k = max(t if t % 2 else t + 1, 3)
        return k
    return cfg.get('k_size', 3)


def _eca_mlp(cfg):
    """timm use_mlp width, or 0."""
    if cfg.get('ref', 'official') != 'timm' or not cfg.get('use_mlp', False):
        return 0
    rd = cfg.get('rd_channels')
    return rd if rd is not None else make_divisible(cfg['channels'] * cfg.get('rd_ratio', 1 / 8),
                                                    divisor=cfg.get('rd_divisor', 8))


def eca_params(cfg):
    rd = _eca_mlp(cfg)
    if rd:
        return {'conv.weight': (rd, 1, 1), 'conv.bias': (rd,), 'conv2.weight': (1, rd, eca_k(cfg)),
                'conv2.bias': (1,)}
    return {'conv.weight': (1, 1, eca_k(cfg))}


def _conv1d_full(y, w, b, pad):
    """PyTorch Conv1d, y [B, Ci, L], w [Co, Ci, k]."""
    out = conv2d(y[:, :, None, :], w[:, :, None, :], b, pad=(0, pad))
    return out[:, :, 0, :]


def eca_forward(x, p, cfg):
    k = eca_k(cfg)
    y = x.mean(axis=(2, 3))[:, None, :]
    if _eca_mlp(cfg):
        y = act_fn(cfg.get('act_layer') or 'relu')(_conv1d_full(y, p['conv.weight'], p['conv.bias'], 0))
        y = _conv1d_full(y, p['conv2.weight'], p['conv2.bias'], (k - 1) // 2)[:, 0, :]
    else:
        y = conv1d(y, p['conv.weight'], (k - 1) // 2)[:, 0, :]
    gate = act_fn(cfg.get('gate_layer', 'sigmoid')) if cfg.get('ref', 'official') == 'timm' else sigmoid
    return x * gate(y)[:, :, None, None]


# ----------------------------------------------------------------------------- CBAM
def _cbam_rd(cfg):
    if cfg.get('ref', 'official') == 'timm':
        c = cfg['channels']
        rd = cfg.get('rd_channels') or make_divisible(c * cfg.get('rd_ratio', 1 / 16), cfg.get('rd_divisor', 1),
                                                      round_limit=0.)
        return c, rd
    c = cfg['gate_channels']
    return c, c // cfg.get('reduction_ratio', 16)


def cbam_params(cfg):
    c, rd = _cbam_rd(cfg)
    if cfg.get('ref', 'official') == 'timm':
        k = cfg.get('spatial_kernel_size', 7)
        p = {'channel.fc1.weight': (rd, c, 1, 1), 'channel.fc2.weight': (c, rd, 1, 1)}
        if cfg.get('mlp_bias', False):
            p['channel.fc1.bias'] = (rd,)
            p['channel.fc2.bias'] = (c,)
        p['spatial.conv.conv.weight'] = (1, 2, k, k)
        p.update(bn_shapes('spatial.conv.bn', 1))
        return p
    p = {'ChannelGate.mlp.1.weight': (rd, c), 'ChannelGate.mlp.1.bias': (rd,),
         'ChannelGate.mlp.3.weight': (c, rd), 'ChannelGate.mlp.3.bias': (c,)}
    if not cfg.get('no_spatial', False):
        p['SpatialGate.spatial.conv.weight'] = (1, 2, 7, 7)
        p.update(bn_shapes('SpatialGate.spatial.bn', 1))
    return p


def cbam_forward(x, p, cfg):
    if cfg.get('ref', 'official') == 'timm':
        bias = cfg.get('mlp_bias', False)
        k = cfg.get('spatial_kernel_size', 7)

        act = act_fn(cfg.get('act_layer', 'relu'))
        gate = act_fn(cfg.get('gate_layer', 'sigmoid'))

        def mlp(v):
            return conv(act(conv(v, p, 'channel.fc1', bias)), p, 'channel.fc2', bias)
        a = mlp(x.mean(axis=(2, 3), keepdims=True)) + mlp(x.max(axis=(2, 3), keepdims=True))
        x1 = x * gate(a)
        s = np.concatenate([x1.mean(axis=1, keepdims=True), x1.max(axis=1, keepdims=True)], axis=1)
        s = bn(conv2d(s, p['spatial.conv.conv.weight'], pad=(k - 1) // 2), p, 'spatial.conv.bn')
        return x1 * gate(s)

    def mlp(v):
        return linear(relu(linear(v, p, 'ChannelGate.mlp.1')), p, 'ChannelGate.mlp.3')
    att = 0
    for pool in cfg.get('pool_types', ['avg', 'max']):
        if pool == 'avg':
            v = x.mean(axis=(2, 3))
        elif pool == 'max':
            v = x.max(axis=(2, 3))
        elif pool == 'lp':
            v = np.sqrt((x ** 2).sum(axis=(2, 3)))
        elif pool == 'lse':
            f = x.reshape(x.shape[0], x.shape[1], -1)
            s = f.max(axis=2, keepdims=True)
            v = (s + np.log(np.exp(f - s).sum(axis=2, keepdims=True)))[:, :, 0]
        att = att + mlp(v)
    x1 = x * sigmoid(att)[:, :, None, None]
    if cfg.get('no_spatial', False):
        return x1
    s = np.concatenate([x1.max(axis=1, keepdims=True), x1.mean(axis=1, keepdims=True)], axis=1)
    s = bn(conv2d(s, p['SpatialGate.spatial.conv.weight'], pad=3), p, 'SpatialGate.spatial.bn')
    return x1 * sigmoid(s)


# ----------------------------------------------------------------------------- BAM
def bam_params(cfg):
    c = cfg['gate_channel']
    r = cfg.get('reduction_ratio', 16)
    cr = c // r
    p = {}
    widths = [c] + [cr] * cfg.get('num_layers', 1) + [c]
    for i in range(len(widths) - 2):
        p['channel_att.gate_c.gate_c_fc_%d.weight' % i] = (widths[i + 1], widths[i])
        p['channel_att.gate_c.gate_c_fc_%d.bias' % i] = (widths[i + 1],)
        p.update(bn_shapes('channel_att.gate_c.gate_c_bn_%d' % (i + 1), widths[i + 1]))
    p['channel_att.gate_c.gate_c_fc_final.weight'] = (c, widths[-2])
    p['channel_att.gate_c.gate_c_fc_final.bias'] = (c,)
    s = 'spatial_att.gate_s.'
    p[s + 'gate_s_conv_reduce0.weight'] = (cr, c, 1, 1)
    p[s + 'gate_s_conv_reduce0.bias'] = (cr,)
    p.update(bn_shapes(s + 'gate_s_bn_reduce0', cr))
    for i in range(cfg.get('dilation_conv_num', 2)):
        p[s + 'gate_s_conv_di_%d.weight' % i] = (cr, cr, 3, 3)
        p[s + 'gate_s_conv_di_%d.bias' % i] = (cr,)
        p.update(bn_shapes(s + 'gate_s_bn_di_%d' % i, cr))
    p[s + 'gate_s_conv_final.weight'] = (1, cr, 1, 1)
    p[s + 'gate_s_conv_final.bias'] = (1,)
    return p


def bam_forward(x, p, cfg):
    B, C, H, W = x.shape
    if cfg.get('channel_pool', 'global') == 'official':
        if not (H <= W < 2 * H):
            raise ValueError('official BAM pooling needs H <= W < 2H')
        v = x[:, :, :, :H].mean(axis=(2, 3))
    else:
        v = x.mean(axis=(2, 3))
    g = 'channel_att.gate_c.'
    for i in range(cfg.get('num_layers', 1)):
        v = relu(bn(linear(v, p, g + 'gate_c_fc_%d' % i), p, g + 'gate_c_bn_%d' % (i + 1)))
    mc = linear(v, p, g + 'gate_c_fc_final')[:, :, None, None]
    s = 'spatial_att.gate_s.'
    d = cfg.get('dilation_val', 4)
    h = relu(bn(conv(x, p, s + 'gate_s_conv_reduce0'), p, s + 'gate_s_bn_reduce0'))
    for i in range(cfg.get('dilation_conv_num', 2)):
        h = relu(bn(conv(h, p, s + 'gate_s_conv_di_%d' % i, pad=d, dil=d), p, s + 'gate_s_bn_di_%d' % i))
    ms = conv(h, p, s + 'gate_s_conv_final')
    return (1 + sigmoid(mc * ms)) * x


# ----------------------------------------------------------------------------- GC
def _gc_fusions(cfg):
    return list(cfg.get('fusion_types', cfg.get('fusions', ['channel_add'])))


def _gc_planes(cfg):
    return cfg['planes'] if 'planes' in cfg else int(cfg['inplanes'] * cfg['ratio'])


def _gc_pool(cfg):
    return cfg.get('pooling_type', cfg.get('pool', 'att'))


def gc_params(cfg):
    c = cfg['inplanes']
    pl = _gc_planes(cfg)
    p = {}
    if _gc_pool(cfg) == 'att':
        p['conv_mask.weight'] = (1, c, 1, 1)
        p['conv_mask.bias'] = (1,)
    for f in ['channel_add', 'channel_mul']:
        if f in _gc_fusions(cfg):
            n = f + '_conv.'
            p.update({n + '0.weight': (pl, c, 1, 1), n + '0.bias': (pl,), n + '1.weight': (pl, 1, 1),
                      n + '1.bias': (pl, 1, 1), n + '3.weight': (c, pl, 1, 1), n + '3.bias': (c,)})
    return p


def gc_forward(x, p, cfg):
    B, C, H, W = x.shape
    if _gc_pool(cfg) == 'att':
        m = softmax(conv(x, p, 'conv_mask').reshape(B, 1, H * W), axis=2)
        ctx = (x.reshape(B, C, H * W) @ m.transpose(0, 2, 1)).reshape(B, C, 1, 1)
    else:
        ctx = x.mean(axis=(2, 3), keepdims=True)

    def transform(n):
        t = conv(ctx, p, n + '0')
        mu = t.mean(axis=(1, 2, 3), keepdims=True)
        var = t.var(axis=(1, 2, 3), keepdims=True)
        t = (t - mu) / np.sqrt(var + EPS) * p[n + '1.weight'][None] + p[n + '1.bias'][None]
        return conv(relu(t), p, n + '3')
    out = x
    if 'channel_mul' in _gc_fusions(cfg):
        out = out * sigmoid(transform('channel_mul_conv.'))
    if 'channel_add' in _gc_fusions(cfg):
        out = out + transform('channel_add_conv.')
    return out


# ----------------------------------------------------------------------------- Non-local
def _nl_ci(cfg):
    c = cfg['in_channels']
    ci = cfg.get('inter_channels') or c // 2
    return c, (ci if ci > 0 else 1)


def nonlocal_params(cfg):
    c, ci = _nl_ci(cfg)
    sub = cfg.get('sub_sample', True)
    p = {}
    for n in ['g', 'theta', 'phi']:
        k = n + '.0' if (sub and n != 'theta') else n
        p[k + '.weight'] = (ci, c, 1, 1)
        p[k + '.bias'] = (ci,)
    if cfg.get('bn_layer', True):
        p['W.0.weight'] = (c, ci, 1, 1)
        p['W.0.bias'] = (c,)
        p.update(bn_shapes('W.1', c))
    else:
        p['W.weight'] = (c, ci, 1, 1)
        p['W.bias'] = (c,)
    return p


def _maxpool2(x):
    B, C, H, W = x.shape
    h, w = H // 2, W // 2
    return x[:, :, :2 * h, :2 * w].reshape(B, C, h, 2, w, 2).max(axis=(3, 5))


def nonlocal_forward(x, p, cfg):
    c, ci = _nl_ci(cfg)
    sub = cfg.get('sub_sample', True)
    B, C, H, W = x.shape
    if sub:
        g = _maxpool2(conv(x, p, 'g.0'))
        ph = _maxpool2(conv(x, p, 'phi.0'))
    else:
        g = conv(x, p, 'g')
        ph = conv(x, p, 'phi')
    g = g.reshape(B, ci, -1).transpose(0, 2, 1)
    th = conv(x, p, 'theta').reshape(B, ci, -1).transpose(0, 2, 1)
    ph = ph.reshape(B, ci, -1)
    f = th @ ph
    if cfg.get('scale', cfg.get('use_scale', False)):
        f = f * ci ** -0.5
    a = softmax(f, axis=-1)
    y = (a @ g).transpose(0, 2, 1).reshape(B, ci, H, W)
    if cfg.get('bn_layer', True):
        wy = bn(conv(y, p, 'W.0'), p, 'W.1')
    else:
        wy = conv(y, p, 'W')
    return wy + x


# ----------------------------------------------------------------------------- A2
def _a2_geom(cfg):
    c = cfg['in_channels'] if 'in_channels' in cfg else cfg['in_c']
    ref = cfg.get('ref', 'paper')
    ref = {'port_xmu': 'xmu', 'forward_port_xmu': 'xmu', 'port_mean': 'mean', 'forward_port_mean': 'mean'}.get(ref, ref)
    mean = ref == 'mean'
    width = c if mean else max(1, c // 4)
    return c, ref, cfg.get('c_m', width), cfg.get('c_n', width), cfg.get('reconstruct', not mean)


def a2_params(cfg):
    c, ref, m, n, recon = _a2_geom(cfg)
    p = {'convA.weight': (m, c, 1, 1), 'convA.bias': (m,), 'convB.weight': (n, c, 1, 1), 'convB.bias': (n,),
         'convV.weight': (n, c, 1, 1), 'convV.bias': (n,)}
    if recon:
        p['conv_reconstruct.weight'] = (c, m, 1, 1)
        p['conv_reconstruct.bias'] = (c,)
    return p


def a2_forward(x, p, cfg):
    """paper (default), xmu-xiaoma666 port ('xmu'), Awesome-Vision-Attentions DoubleAtten ('mean')."""
    B, C, H, W = x.shape
    c, ref, m, n, recon = _a2_geom(cfg)  # ref with the port aliases resolved
    if ref == 'mean':
        # literal transcription of the Jittor DoubleAtten.execute
        fm = conv(x, p, 'convA').reshape(B, 1, m, H * W)
        am = conv(x, p, 'convB').reshape(B, n, 1, H * W)
        gd = (fm * softmax(am, axis=-1)).mean(axis=-1)             # (B, n, m)
        av = softmax(conv(x, p, 'convV').reshape(B, n, H * W), axis=-1)
        z = (av.transpose(0, 2, 1) @ gd).transpose(0, 2, 1).reshape(B, m, H, W)
    else:
        a = conv(x, p, 'convA').reshape(B, m, -1)
        b = conv(x, p, 'convB').reshape(B, n, -1)
        v = conv(x, p, 'convV').reshape(B, n, -1)
        maps = softmax(b, axis=1 if ref == 'xmu' else 2)
        g = a @ maps.transpose(0, 2, 1)
        z = (g @ softmax(v, axis=1)).reshape(B, m, H, W)
    if recon:
        z = conv(z, p, 'conv_reconstruct')
    if cfg.get('residual', ref == 'paper'):
        z = z + x
    return z


# ----------------------------------------------------------------------------- DANet
def danet_pam_params(cfg):
    c = cfg['in_dim']
    return {'query_conv.weight': (c // 8, c, 1, 1), 'query_conv.bias': (c // 8,),
            'key_conv.weight': (c // 8, c, 1, 1), 'key_conv.bias': (c // 8,),
            'value_conv.weight': (c, c, 1, 1), 'value_conv.bias': (c,), 'gamma': (1,)}


def danet_pam_forward(x, p, cfg):
    B, C, H, W = x.shape
    q = conv(x, p, 'query_conv').reshape(B, -1, H * W).transpose(0, 2, 1)
    k = conv(x, p, 'key_conv').reshape(B, -1, H * W)
    att = softmax(q @ k, axis=-1)
    v = conv(x, p, 'value_conv').reshape(B, -1, H * W)
    out = (v @ att.transpose(0, 2, 1)).reshape(B, C, H, W)
    return p['gamma'][0] * out + x


def danet_cam_params(cfg):
    return {'gamma': (1,)}


def danet_cam_forward(x, p, cfg):
    B, C, H, W = x.shape
    f = x.reshape(B, C, -1)
    e = f @ f.transpose(0, 2, 1)
    if cfg.get('ref', 'official') != 'paper':
        e = e.max(axis=-1, keepdims=True) - e
    out = (softmax(e, axis=-1) @ f).reshape(B, C, H, W)
    return p['gamma'][0] * out + x


# ----------------------------------------------------------------------------- MS-CAM / AFF / iAFF
def _ms_params(c, inter, suffix=''):
    p = {}
    l, g = 'local_att' + suffix + '.', 'global_att' + suffix + '.'
    p.update({l + '0.weight': (inter, c, 1, 1), l + '0.bias': (inter,)})
    p.update(bn_shapes(l + '1', inter))
    p.update({l + '3.weight': (c, inter, 1, 1), l + '3.bias': (c,)})
    p.update(bn_shapes(l + '4', c))
    p.update({g + '1.weight': (inter, c, 1, 1), g + '1.bias': (inter,)})
    p.update(bn_shapes(g + '2', inter))
    p.update({g + '4.weight': (c, inter, 1, 1), g + '4.bias': (c,)})
    p.update(bn_shapes(g + '5', c))
    return p


def _local(x, p, s):
    l = 'local_att' + s + '.'
    return bn(conv(relu(bn(conv(x, p, l + '0'), p, l + '1')), p, l + '3'), p, l + '4')


def _global(x, p, s):
    g = 'global_att' + s + '.'
    v = x.mean(axis=(2, 3), keepdims=True)
    return bn(conv(relu(bn(conv(v, p, g + '1'), p, g + '2')), p, g + '4'), p, g + '5')


def _inter(cfg):
    return int(cfg.get('channels', 64) // cfg.get('r', 4))


def mscam_params(cfg):
    return _ms_params(cfg.get('channels', 64), _inter(cfg))


def mscam_forward(x, p, cfg):
    return x * sigmoid(_local(x, p, '') + _global(x, p, ''))


def aff_params(cfg):
    return _ms_params(cfg.get('channels', 64), _inter(cfg))


def aff_forward(x, y, p, cfg):
    s = cfg.get('scale', 1.0 if cfg.get('ref') == 'paper' else 2.0)
    w = sigmoid(_local(x + y, p, '') + _global(x + y, p, ''))
    return s * x * w + s * y * (1 - w)


def iaff_params(cfg):
    p = _ms_params(cfg.get('channels', 64), _inter(cfg))
    p.update(_ms_params(cfg.get('channels', 64), _inter(cfg), '2'))
    return p


def iaff_forward(x, y, p, cfg):
    w1 = sigmoid(_local(x + y, p, '') + _global(x + y, p, ''))
    xi = x * w1 + y * (1 - w1)
    g2 = _global(xi, p, '' if cfg.get('reuse_global_att', cfg.get('ref') == 'old') else '2')
    w2 = sigmoid(_local(xi, p, '2') + g2)
    return x * w2 + y * (1 - w2)


# ----------------------------------------------------------------------------- Triplet
def triplet_params(cfg):
    p = {}
    gates = ['cw', 'hc'] + ([] if cfg.get('no_spatial', False) else ['hw'])
    for g in gates:
        p[g + '.conv.conv.weight'] = (1, 2, 7, 7)
        p.update(bn_shapes(g + '.conv.bn', 1))
    return p


def _gate(t, p, g):
    z = np.concatenate([t.max(axis=1, keepdims=True), t.mean(axis=1, keepdims=True)], axis=1)
    z = bn(conv2d(z, p[g + '.conv.conv.weight'], pad=3), p, g + '.conv.bn')
    return t * sigmoid(z)


def triplet_forward(x, p, cfg):
    o1 = _gate(x.transpose(0, 2, 1, 3), p, 'cw').transpose(0, 2, 1, 3)
    o2 = _gate(x.transpose(0, 3, 2, 1), p, 'hc').transpose(0, 3, 2, 1)
    if cfg.get('no_spatial', False):
        return 0.5 * (o1 + o2)
    return 1 / 3 * (_gate(x, p, 'hw') + o1 + o2)


# ----------------------------------------------------------------------------- Criss-cross
def cc_params(cfg):
    c = cfg['in_dim']
    return {'query_conv.weight': (c // 8, c, 1, 1), 'query_conv.bias': (c // 8,),
            'key_conv.weight': (c // 8, c, 1, 1), 'key_conv.bias': (c // 8,),
            'value_conv.weight': (c, c, 1, 1), 'value_conv.bias': (c,), 'gamma': (1,)}


def _cca(x, p):
    B, C, H, W = x.shape
    q = conv(x, p, 'query_conv')
    k = conv(x, p, 'key_conv')
    v = conv(x, p, 'value_conv')
    eh = np.einsum('bchw,bciw->bhwi', q, k)
    eh = eh + np.where(np.eye(H, dtype=bool), -np.inf, 0.0)[:, None, :]
    ew = np.einsum('bchw,bchj->bhwj', q, k)
    a = softmax(np.concatenate([eh, ew], axis=3), axis=3)
    out = np.einsum('bciw,bhwi->bchw', v, a[..., :H]) + np.einsum('bchj,bhwj->bchw', v, a[..., H:])
    return p['gamma'][0] * out + x


def cc_forward(x, p, cfg):
    for _ in range(cfg.get('recurrence', 1)):
        x = _cca(x, p)
    return x


# ----------------------------------------------------------------------------- GSoP
def _gsop_c(cfg):
    return cfg['in_channels'] if 'in_channels' in cfg else 4 * cfg['planes']


def _gsop_stride(cfg):
    """dr_stride if given; else the official Bottleneck's DR_stride = 1 if planes > 64 else 2 when planes
    is given; else 1."""
    if 'dr_stride' in cfg:
        return cfg['dr_stride']
    if 'planes' in cfg:
        return 1 if cfg['planes'] > 64 else 2
    return 1


def gsop_params(cfg):
    c, d = _gsop_c(cfg), cfg.get('att_dim', 128)
    p = {'conv_for_DR.weight': (d, c, 1, 1), 'conv_for_DR.bias': (d,)}
    p.update(bn_shapes('bn_for_DR', d))
    p.update(bn_shapes('row_bn', d))
    p.update({'row_conv_group.weight': (4 * d, 1, d, 1), 'row_conv_group.bias': (4 * d,),
              'fc_adapt_channels.weight': (c, 4 * d, 1, 1), 'fc_adapt_channels.bias': (c,)})
    return p


def gsop_forward(x, p, cfg):
    d = cfg.get('att_dim', 128)
    h = relu(x)
    h = relu(bn(conv(h, p, 'conv_for_DR', stride=_gsop_stride(cfg)), p, 'bn_for_DR'))
    B = h.shape[0]
    hf = h.reshape(B, d, -1)
    M = hf.shape[2]
    ihat = (-1.0 / M / M) * np.ones((M, M)) + (1.0 / M) * np.eye(M)
    cov = (hf @ ihat @ hf.transpose(0, 2, 1)).reshape(B, d, d, 1)
    cov = bn(cov, p, 'row_bn')
    z = conv(cov, p, 'row_conv_group', groups=d)
    return x * sigmoid(conv(z, p, 'fc_adapt_channels'))


# ----------------------------------------------------------------------------- SK (timm SelectiveKernel)
def _sk_geom(cfg):
    cin = cfg['in_channels']
    cout = cfg.get('out_channels') or cin
    ks = cfg.get('kernel_size') or [3, 5]
    if not isinstance(ks, list):
        ks = [ks] * 2  # a list keeps its length (one path per entry), as timm
    dil = cfg.get('dilation', 1)
    if cfg.get('keep_3x3', True):
        dils = [dil * (k - 1) // 2 for k in ks]
        ks = [3] * len(ks)
    else:
        dils = [dil] * len(ks)
    split = cfg.get('split_input', cfg.get('ref', 'official') == 'timm')
    cp = cin // len(ks) if split else cin
    groups = min(cout, cfg.get('groups', 1))
    a = cfg.get('rd_channels') or make_divisible(cout * cfg.get('rd_ratio', 1 / 16), cfg.get('rd_divisor', 8))
    return cin, cout, ks, dils, split, cp, groups, a


def sk_params(cfg):
    cin, cout, ks, dils, split, cp, groups, a = _sk_geom(cfg)
    p = {}
    for i, k in enumerate(ks):
        p['paths.%d.conv.weight' % i] = (cout, cp // groups, k, k)
        p.update(bn_shapes('paths.%d.bn' % i, cout))
    p['attn.fc_reduce.weight'] = (a, cout, 1, 1)
    p.update(bn_shapes('attn.bn', a))
    p['attn.fc_select.weight'] = (cout * len(ks), a, 1, 1)
    return p


def sk_forward(x, p, cfg):
    cin, cout, ks, dils, split, cp, groups, a = _sk_geom(cfg)
    stride = cfg.get('stride', 1)
    paths = []
    for i, (k, d) in enumerate(zip(ks, dils)):
        xi = x[:, i * cp:(i + 1) * cp] if split else x
        pad = ((stride - 1) + d * (k - 1)) // 2
        u = conv2d(xi, p['paths.%d.conv.weight' % i], stride=stride, pad=pad, dil=d, groups=groups)
        paths.append(act_fn(cfg.get('act_layer', 'relu'))(bn(u, p, 'paths.%d.bn' % i)))
    u = np.stack(paths, axis=1)
    s = u.sum(axis=1).mean(axis=(2, 3), keepdims=True)
    z = relu(bn(conv2d(s, p['attn.fc_reduce.weight']), p, 'attn.bn'))
    z = conv2d(z, p['attn.fc_select.weight'])
    B = z.shape[0]
    att = softmax(z.reshape(B, len(ks), cout, 1, 1), axis=1)
    return (u * att).sum(axis=1)


# ----------------------------------------------------------------------------- ResNeSt SplAtConv2d
def _splat_geom(cfg):
    cin = cfg['in_channels']
    ch = cfg.get('channels', cin)
    radix = cfg.get('radix', 2)
    inter = max(cin * radix // cfg.get('reduction_factor', 4), 32)
    groups = cfg.get('groups', 1)
    k = cfg.get('kernel_size', 3)
    use_bn = cfg.get('norm_layer') not in (None, False, 'none', 'None')
    return cin, ch, radix, inter, groups, k, use_bn


def splat_params(cfg):
    cin, ch, radix, inter, groups, k, use_bn = _splat_geom(cfg)
    kh, kw = _pair(k)
    p = {'conv.weight': (ch * radix, cin // (groups * radix), kh, kw)}
    if cfg.get('bias', True):
        p['conv.bias'] = (ch * radix,)
    if use_bn:
        p.update(bn_shapes('bn0', ch * radix))
    p.update({'fc1.weight': (inter, ch // groups, 1, 1), 'fc1.bias': (inter,)})
    if use_bn:
        p.update(bn_shapes('bn1', inter))
    p.update({'fc2.weight': (ch * radix, inter // groups, 1, 1), 'fc2.bias': (ch * radix,)})
    return p


def splat_forward(x, p, cfg):
    cin, ch, radix, inter, groups, k, use_bn = _splat_geom(cfg)
    h = conv2d(x, p['conv.weight'], p.get('conv.bias'), stride=cfg.get('stride', 1), pad=cfg.get('padding', 0),
               dil=cfg.get('dilation', 1), groups=groups * radix)
    if use_bn:
        h = bn(h, p, 'bn0')
    h = relu(h)
    B = h.shape[0]
    if radix > 1:
        splits = [h[:, r * ch:(r + 1) * ch] for r in range(radix)]
        gap = sum(splits)
    else:
        gap = h
    gap = gap.mean(axis=(2, 3), keepdims=True)
    gap = conv(gap, p, 'fc1', groups=groups)
    if use_bn:
        gap = bn(gap, p, 'bn1')
    att = conv(relu(gap), p, 'fc2', groups=groups)
    if radix > 1:
        att = att.reshape(B, groups, radix, -1).transpose(0, 2, 1, 3)
        att = softmax(att, axis=1).reshape(B, -1, 1, 1)
        return sum(att[:, r * ch:(r + 1) * ch] * splits[r] for r in range(radix))
    return sigmoid(att).reshape(B, -1, 1, 1) * h
