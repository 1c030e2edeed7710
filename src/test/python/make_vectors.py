"""Writes the block test vectors under src/test/resources/blocks/ (not run by CI).

Each NAME.npz holds `config` (the blockcheck JSON config plus "block", as uint8 UTF-8 bytes), `x`
(and `y` for AFF/iAFF), the weights as `w/<state_dict name>` (with the int64 `num_batches_tracked`
entries a real state_dict has) and the expected output `out`. Inputs and weights are float32; the
expected output is computed in float64 from them.

    python3 src/test/python/make_vectors.py [STEM ...]   # only the vectors whose stem starts with one of these
    ATTN_VECTORS_OUT=/tmp/v python3 src/test/python/make_vectors.py   # write elsewhere (to diff against the committed)
"""
import json
import os
import sys
import zlib

import numpy as np

import attn_ref as R

OUT = os.environ.get('ATTN_VECTORS_OUT') or os.path.join(os.path.dirname(__file__), '..', 'resources', 'blocks')

# (file stem, block, config, list of input shapes (B, H, W)); the channel count is in the config.
VECTORS = [
    ('se_timm_c32', 'se', {'ref': 'timm', 'channels': 32}, [(2, 7, 5), (1, 4, 4), (3, 1, 1)]),
    ('se_timm_c24_r025_nobias', 'se', {'ref': 'timm', 'channels': 24, 'rd_ratio': 0.25, 'bias': False},
     [(2, 5, 6)]),
    ('se_timm_c16_maxpool', 'se', {'ref': 'timm', 'channels': 16, 'add_maxpool': True}, [(2, 3, 5)]),
    ('se_selayer_c32_r8', 'se', {'ref': 'selayer', 'channel': 32, 'reduction': 8}, [(2, 7, 5), (1, 6, 6)]),
    ('eca_official_c16_k3', 'eca', {'ref': 'official', 'channel': 16, 'k_size': 3}, [(2, 7, 5), (1, 1, 1)]),
    ('eca_official_c20_k5', 'eca', {'ref': 'official', 'channel': 20, 'k_size': 5}, [(3, 4, 6)]),
    ('eca_timm_c128', 'eca', {'ref': 'timm', 'channels': 128}, [(2, 3, 5)]),
    ('eca_timm_c16', 'eca', {'ref': 'timm', 'channels': 16}, [(2, 5, 4)]),
    ('cbam_official_c32_r8', 'cbam', {'ref': 'official', 'gate_channels': 32, 'reduction_ratio': 8},
     [(2, 7, 5), (1, 9, 9)]),
    ('cbam_official_c32_r16_pools', 'cbam', {'ref': 'official', 'gate_channels': 32,
                                              'pool_types': ['avg', 'max', 'lp', 'lse']}, [(2, 5, 6)]),
    ('cbam_official_nospatial', 'cbam', {'ref': 'official', 'gate_channels': 16, 'reduction_ratio': 4,
                                         'no_spatial': True}, [(2, 3, 4)]),
    ('cbam_timm_c32', 'cbam', {'ref': 'timm', 'channels': 32, 'rd_ratio': 0.125}, [(2, 7, 5), (1, 8, 8)]),
    ('cbam_timm_c24_bias_k5', 'cbam', {'ref': 'timm', 'channels': 24, 'rd_ratio': 0.25, 'mlp_bias': True,
                                       'spatial_kernel_size': 5}, [(2, 6, 5)]),
    ('gc_att_add_c32', 'gc', {'inplanes': 32, 'ratio': 0.25}, [(2, 7, 5), (1, 6, 6)]),
    ('gc_att_mul_c16', 'gc', {'inplanes': 16, 'ratio': 0.5, 'fusion_types': ['channel_mul']}, [(2, 5, 3)]),
    ('gc_att_both_c16', 'gc', {'inplanes': 16, 'ratio': 0.25, 'fusion_types': ['channel_add', 'channel_mul']},
     [(3, 4, 5)]),
    ('gc_avg_add_c16', 'gc', {'inplanes': 16, 'ratio': 0.25, 'pooling_type': 'avg'}, [(2, 5, 7)]),
    ('mscam_c16_r4', 'mscam', {'channels': 16, 'r': 4}, [(2, 7, 5), (1, 4, 4)]),
    ('mscam_c32_r8', 'mscam', {'channels': 32, 'r': 8}, [(2, 3, 6)]),
    ('aff_c16_r4', 'aff', {'channels': 16, 'r': 4}, [(2, 7, 5), (1, 4, 4)]),
    ('aff_c16_r4_paperscale', 'aff', {'channels': 16, 'r': 4, 'scale': 1.0}, [(2, 5, 7)]),
    ('aff_c16_r4_paper', 'aff', {'ref': 'paper', 'channels': 16, 'r': 4}, [(2, 4, 3)]),
    ('se_timm_impl_c16', 'se', {'impl': 'timm', 'channels': 16, 'rd_channels': 4}, [(2, 3, 3)]),
    ('iaff_c16_r4', 'iaff', {'channels': 16, 'r': 4}, [(2, 7, 5), (1, 4, 4)]),
    ('iaff_c16_r4_reuse', 'iaff', {'channels': 16, 'r': 4, 'reuse_global_att': True}, [(2, 5, 6)]),
    ('a2_c16_m8_n4', 'a2', {'in_channels': 16, 'c_m': 8, 'c_n': 4}, [(2, 7, 5), (1, 1, 1), (1, 6, 6)]),
    ('a2_xmu_c16_m8_n6', 'a2', {'ref': 'xmu', 'in_channels': 16, 'c_m': 8, 'c_n': 6}, [(2, 5, 6)]),
    ('a2_c16_m16_n4_norecon', 'a2', {'in_channels': 16, 'c_m': 16, 'c_n': 4, 'reconstruct': False},
     [(2, 4, 5)]),
    ('a2_mean_c8', 'a2', {'ref': 'mean', 'in_channels': 8}, [(2, 5, 6)]),
    ('nonlocal_c16', 'nonlocal', {'in_channels': 16}, [(2, 7, 5), (1, 4, 4)]),
    ('nonlocal_c16_i4_nosub_nobn', 'nonlocal', {'in_channels': 16, 'inter_channels': 4, 'sub_sample': False,
                                                'bn_layer': False}, [(2, 5, 3)]),
    ('nonlocal_c16_scale', 'nonlocal', {'in_channels': 16, 'scale': True}, [(2, 6, 5)]),
    ('danet-pam_c16', 'danet-pam', {'in_dim': 16, 'gamma': 0.7}, [(2, 7, 5), (1, 4, 4)]),
    ('danet-pam_c32', 'danet-pam', {'in_dim': 32, 'gamma': -0.5}, [(2, 3, 6)]),
    ('danet-cam_c16', 'danet-cam', {'in_dim': 16, 'gamma': 1.3}, [(2, 7, 5), (1, 4, 4)]),
    ('danet-cam_c8_paper', 'danet-cam', {'ref': 'paper', 'in_dim': 8, 'gamma': 0.4}, [(2, 3, 5)]),
    ('bam_c32_global', 'bam', {'gate_channel': 32, 'reduction_ratio': 8}, [(2, 7, 5), (2, 8, 8)]),
    ('bam_c32_officialpool', 'bam', {'gate_channel': 32, 'reduction_ratio': 8, 'channel_pool': 'official'},
     [(2, 5, 7), (2, 6, 6)]),
    ('bam_c64_r16_2layers', 'bam', {'gate_channel': 64, 'num_layers': 2, 'dilation_conv_num': 1,
                                    'dilation_val': 2}, [(2, 5, 6)]),
    ('triplet', 'triplet', {'channels': 8}, [(2, 7, 5), (1, 4, 4)]),
    ('triplet_nospatial', 'triplet', {'channels': 6, 'no_spatial': True}, [(2, 5, 9)]),
    ('sk_official_c16', 'sk', {'ref': 'official', 'in_channels': 16}, [(2, 7, 5), (1, 6, 6)]),
    ('sk_timm_c16_out32', 'sk', {'ref': 'timm', 'in_channels': 16, 'out_channels': 32}, [(2, 7, 5)]),
    ('sk_official_c24_out32_k357_g4', 'sk', {'in_channels': 24, 'out_channels': 32, 'kernel_size': [3, 5, 7],
                                             'groups': 4, 'rd_channels': 12}, [(2, 6, 6)]),
    ('sk_timm_c16_stride2', 'sk', {'ref': 'timm', 'in_channels': 16, 'stride': 2, 'keep_3x3': False,
                                   'kernel_size': [3, 5]}, [(2, 7, 5)]),
    ('splat_c16_k3_p1', 'splat', {'in_channels': 16, 'channels': 16, 'kernel_size': 3, 'padding': 1},
     [(2, 7, 5), (1, 4, 4)]),
    ('splat_c16_bn_nobias_card2', 'splat', {'in_channels': 16, 'channels': 32, 'kernel_size': 3, 'padding': 1,
                                            'groups': 2, 'bias': False, 'norm_layer': 'BatchNorm2d'},
     [(2, 5, 6)]),
    ('splat_c16_radix4_stride2', 'splat', {'in_channels': 16, 'channels': 8, 'kernel_size': 3, 'stride': 2,
                                           'padding': 1, 'radix': 4, 'reduction_factor': 2}, [(2, 7, 5)]),
    ('splat_c16_radix1', 'splat', {'in_channels': 16, 'channels': 16, 'kernel_size': 1, 'radix': 1},
     [(2, 3, 5)]),
    ('gsop_c32_d8', 'gsop', {'in_channels': 32, 'att_dim': 8}, [(2, 7, 5), (1, 4, 4)]),
    ('gsop_c32_d8_stride2', 'gsop', {'in_channels': 32, 'att_dim': 8, 'dr_stride': 2}, [(2, 7, 5)]),
    ('cc_c16', 'cc', {'in_dim': 16, 'gamma': 0.8}, [(2, 7, 5), (1, 1, 4)]),
    ('cc_c16_r2', 'cc', {'in_dim': 16, 'gamma': -0.6, 'recurrence': 2}, [(2, 5, 6)]),
    # reference keyword arguments beyond the defaults (review of issue 3)
    ('se_timm_c32_bn_hsig', 'se', {'ref': 'timm', 'channels': 32, 'norm_layer': 'BatchNorm2d',
                                   'gate_layer': 'hard_sigmoid', 'act_layer': 'silu'}, [(2, 5, 3)]),
    ('eca_timm_c64_mlp', 'eca', {'ref': 'timm', 'channels': 64, 'use_mlp': True, 'gate_layer': 'hard_sigmoid'},
     [(2, 3, 5)]),
    ('cbam_timm_c16_hsig', 'cbam', {'ref': 'timm', 'channels': 16, 'gate_layer': 'hard_sigmoid'}, [(2, 5, 4)]),
    ('gc_block2d_c16_p4', 'gc', {'inplanes': 16, 'planes': 4, 'pool': 'avg', 'fusions': ['channel_mul']},
     [(2, 3, 5)]),
    ('gsop_planes8_d8', 'gsop', {'planes': 8, 'att_dim': 8, 'attention': '1'}, [(2, 7, 5)]),
    ('a2_mean_inc8', 'a2', {'ref': 'port_mean', 'in_c': 8}, [(2, 3, 5)]),
    ('iaff_c16_r4_old', 'iaff', {'ref': 'old', 'channels': 16, 'r': 4}, [(2, 3, 4)]),
    ('sk_timm_c16_k3only_silu', 'sk', {'ref': 'timm', 'in_channels': 16, 'kernel_size': [3],
                                       'act_layer': 'silu'}, [(2, 5, 4)]),
    ('nonlocal_c16_usescale', 'nonlocal', {'in_channels': 16, 'use_scale': True, 'sub_sample': False},
     [(2, 3, 5)]),
]

CHANNEL_KEYS = ['in_channels', 'channels', 'channel', 'gate_channels', 'gate_channel', 'inplanes', 'in_dim', 'in_c']


def channels_of(cfg):
    for k in CHANNEL_KEYS:
        if k in cfg:
            return cfg[k]
    if 'planes' in cfg:  # GSoP's Bottleneck: C = planes * 4
        return 4 * cfg['planes']
    raise KeyError('no channel key in %s' % cfg)


def random_weights(shapes, rng, cfg):
    p = {}
    for name, shape in shapes.items():
        if name == 'gamma':
            p[name] = np.array([cfg['gamma']], dtype=np.float32)
            continue
        leaf = name.rsplit('.', 1)[-1]
        is_bn = name.rsplit('.', 1)[0] + '.running_var' in shapes
        if leaf == 'running_var':
            v = rng.uniform(0.5, 1.5, shape)
        elif leaf == 'running_mean':
            v = rng.normal(0, 0.2, shape)
        elif is_bn and leaf == 'weight':
            v = rng.uniform(0.5, 1.5, shape)
        elif leaf == 'bias' or (leaf == 'weight' and len(shape) == 3 and shape[1:] == (1, 1)):
            v = rng.normal(0, 0.2, shape) + (1.0 if leaf == 'weight' else 0.0)
        else:
            fan_in = int(np.prod(shape[1:])) if len(shape) > 1 else 1
            v = rng.normal(0, 1.0 / np.sqrt(fan_in), shape)
        p[name] = v.astype(np.float32)
    return p


def main():
    os.makedirs(OUT, exist_ok=True)
    total = 0
    only = sys.argv[1:]
    for stem, block, cfg, shapes in VECTORS:
        if only and not any(stem.startswith(o) for o in only):
            continue
        cfg = dict(cfg)
        gamma = cfg.pop('gamma', None)
        fwd_cfg = dict(cfg, gamma=gamma) if gamma is not None else cfg
        c = channels_of(cfg)
        key = block.replace('-', '_')
        pshapes = getattr(R, key + '_params')(cfg)
        for (b, h, w) in shapes:
            seed = zlib.crc32(('%s_%d_%d_%d' % (stem, b, h, w)).encode())
            rng = np.random.default_rng(seed)
            p = random_weights(pshapes, rng, fwd_cfg)
            x = rng.normal(0, 1, (b, c, h, w)).astype(np.float32)
            p64 = {k: v.astype(np.float64) for k, v in p.items()}
            if block in ('aff', 'iaff'):
                y = rng.normal(0, 1, (b, c, h, w)).astype(np.float32)
                out = getattr(R, key + '_forward')(x.astype(np.float64), y.astype(np.float64), p64, cfg)
            else:
                y = None
                out = getattr(R, key + '_forward')(x.astype(np.float64), p64, cfg)
            assert np.all(np.isfinite(out)), stem
            meta = dict(cfg, block=block)
            arrays = {'config': np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8), 'x': x,
                      'out': out.astype(np.float32)}
            if y is not None:
                arrays['y'] = y
            for k, v in p.items():
                arrays['w/' + k] = v
                if k.endswith('.running_var'):
                    arrays['w/' + k[:-len('running_var')] + 'num_batches_tracked'] = np.array(7, dtype=np.int64)
            path = os.path.join(OUT, '%s_b%d_%dx%d.npz' % (stem, b, h, w))
            np.savez(path, **arrays)
            total += os.path.getsize(path)
    print('wrote %d bytes' % total)


if __name__ == '__main__':
    main()
