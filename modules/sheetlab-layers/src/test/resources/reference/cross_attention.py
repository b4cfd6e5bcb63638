#!/usr/bin/python3
"""Reference values for cross-attention between two sequences with key (padding) masks, from PyTorch autograd:
org.sheetlab.layers.attention.CrossAttention / CrossAttentionVertex ("dot" cases) and the additive (Bahdanau) pair
AdditivePairsVertex + AttentionContextVertex with a key mask ("additive" cases).

Run with Debian's python3-torch:  /usr/bin/python3 cross_attention.py > cross_attention.json
Layouts are sheetlab's (NCW): query [B, d_q, T_q], memory [B, d_k, T_k], key_mask [B, T_k] (1 = real step,
0 = padding, never attended to). Stored: the output y, dy, and the gradients of sum(y * dy) for both inputs and every
weight, in double.

"dot": Wq [d_q, h*d], Wk [d_k, h*d], Wv [d_k, h*dv], optional Wo [h*dv, n_out] (the time-distributed dense layers'
"W"); per head A = softmax(Q K^T / sqrt(d)) with the padded keys' scores at -inf (written out: this Debian torch,
1.13, predates F.scaled_dot_product_attention), O = A V, y = concat_h(O_h) Wo. Where the sizes allow (h*d = h*dv =
d_q = n_out), the script asserts that nn.MultiheadAttention(d_q, h, kdim=d_k, vdim=d_k, bias=False) with
key_padding_mask gives the same y to 1e-12 (cases marked "checkedAgainstMultiheadAttention").
"additive": Wh [d_q, d] (queries layer, with bias bh), Wa [d_k, d] (keys layer, no bias), v [d, 1];
e_ti = v . tanh(Wh^T h_t + bh + Wa^T a_i), alpha_t = softmax over the unmasked i, y_t = sum_i alpha_ti a_i
([B, d_k, T_q]); the masked softmax is written out by hand (exp over unmasked keys / their sum).
"""
import json, math
import torch

torch.manual_seed(2616)
cases = []


def p(*shape, scale=0.7):
    return (torch.randn(*shape, dtype=torch.float64) * scale).requires_grad_(True)


def key_mask(B, Tk, padded):
    m = torch.ones(B, Tk, dtype=torch.float64)
    for b, n in enumerate(padded):
        if n > 0:
            m[b, Tk - n:] = 0.0
    return m


def dot_case(B, dq, dk, Tq, Tk, heads, d, dv, n_out, padded):
    query, memory = p(B, dq, Tq, scale=1.0), p(B, dk, Tk, scale=1.0)
    Wq, Wk, Wv = p(dq, heads * d), p(dk, heads * d), p(dk, heads * dv)
    Wo = p(heads * dv, n_out) if n_out > 0 else None
    mask = key_mask(B, Tk, padded) if padded else None
    Xq, Xm = query.transpose(1, 2), memory.transpose(1, 2)   # [B, T, n]
    Q = (Xq @ Wq).reshape(B, Tq, heads, d).transpose(1, 2)    # [B, h, Tq, d]
    K = (Xm @ Wk).reshape(B, Tk, heads, d).transpose(1, 2)
    V = (Xm @ Wv).reshape(B, Tk, heads, dv).transpose(1, 2)
    S = Q @ K.transpose(-1, -2) / math.sqrt(d)                # [B, h, Tq, Tk]
    if mask is not None:
        S = S.masked_fill(mask[:, None, None, :] == 0, float("-inf"))
    O = torch.softmax(S, dim=-1) @ V                          # [B, h, Tq, dv]
    O = O.transpose(1, 2).reshape(B, Tq, heads * dv)
    Y = O @ Wo if Wo is not None else O
    checked = Wo is not None and heads * d == dq and heads * dv == dq and n_out == dq
    if checked:
        mha = torch.nn.MultiheadAttention(dq, heads, bias=False, kdim=dk, vdim=dk, batch_first=True,
                                          dtype=torch.float64)
        with torch.no_grad():
            mha.q_proj_weight.copy_(Wq.T)
            mha.k_proj_weight.copy_(Wk.T)
            mha.v_proj_weight.copy_(Wv.T)
            mha.out_proj.weight.copy_(Wo.T)
        kpm = None if mask is None else (mask == 0)   # True = padding
        ref, _ = mha(Xq, Xm, Xm, key_padding_mask=kpm, need_weights=False)
        assert torch.allclose(ref, Y, rtol=0, atol=1e-12), "nn.MultiheadAttention disagrees"
    y = Y.transpose(1, 2)                                     # [B, n_out, Tq]
    dy = torch.randn(*y.shape, dtype=torch.float64)
    (y * dy).sum().backward()
    c = {"kind": "dot", "checkedAgainstMultiheadAttention": checked, "heads": heads, "headSize": d, "valueSize": dv, "nOut": n_out,
         "query": query.detach().tolist(), "memory": memory.detach().tolist(),
         "Wq": Wq.detach().tolist(), "Wk": Wk.detach().tolist(), "Wv": Wv.detach().tolist(),
         "y": y.detach().tolist(), "dy": dy.tolist(), "dquery": query.grad.tolist(), "dmemory": memory.grad.tolist(),
         "dWq": Wq.grad.tolist(), "dWk": Wk.grad.tolist(), "dWv": Wv.grad.tolist()}
    if Wo is not None:
        c["Wo"], c["dWo"] = Wo.detach().tolist(), Wo.grad.tolist()
    if mask is not None:
        c["keyMask"] = mask.tolist()
    cases.append(c)


def additive_case(B, dq, dk, Tq, Tk, d, padded):
    h, a = p(B, dq, Tq, scale=1.0), p(B, dk, Tk, scale=1.0)
    Wh, bh, Wa, v = p(dq, d), p(d, scale=0.3), p(dk, d), p(d, 1)
    mask = key_mask(B, Tk, padded) if padded else torch.ones(B, Tk, dtype=torch.float64)
    H, A = h.transpose(1, 2), a.transpose(1, 2)               # [B, Tq, dq], [B, Tk, dk]
    u = torch.tanh((H @ Wh + bh)[:, :, None, :] + (A @ Wa)[:, None, :, :])   # [B, Tq, Tk, d]
    e = (u @ v)[..., 0]                                       # [B, Tq, Tk]
    m = mask[:, None, :]
    shifted = e - torch.where(m != 0, e, torch.full_like(e, -1e300)).max(dim=-1, keepdim=True).values.detach()
    w = torch.exp(shifted) * m
    alpha = w / w.sum(dim=-1, keepdim=True)
    y = (alpha @ A).transpose(1, 2)                           # [B, dk, Tq]
    dy = torch.randn(*y.shape, dtype=torch.float64)
    (y * dy).sum().backward()
    c = {"kind": "additive", "attentionSize": d, "query": h.detach().tolist(), "memory": a.detach().tolist(),
         "Wh": Wh.detach().tolist(), "bh": bh.detach().tolist(), "Wa": Wa.detach().tolist(),
         "v": v.detach().tolist(), "y": y.detach().tolist(), "alpha": alpha.detach().tolist(), "dy": dy.tolist(),
         "dquery": h.grad.tolist(), "dmemory": a.grad.tolist(), "dWh": Wh.grad.tolist(), "dbh": bh.grad.tolist(),
         "dWa": Wa.grad.tolist(), "dv": v.grad.tolist()}
    if padded:
        c["keyMask"] = mask.tolist()
    cases.append(c)


dot_case(2, 4, 3, 3, 5, 2, 2, 2, 4, None)          # T_q != T_k, two heads, no mask (also nn.MultiheadAttention)
dot_case(2, 4, 3, 3, 5, 2, 2, 2, 4, [0, 2])        # key padding in the second example (also nn.MultiheadAttention)
dot_case(2, 2, 5, 4, 3, 1, 2, 2, 2, [1, 0])        # one head, T_q > T_k (also nn.MultiheadAttention)
dot_case(3, 4, 3, 4, 3, 2, 2, 3, 5, [1, 0, 2])     # two heads, d_v != d, n_out != d_q, each example padded differently
dot_case(2, 3, 2, 3, 4, 2, 1, 2, 0, [2, 0])        # no output projection
additive_case(2, 2, 3, 3, 4, 3, None)
additive_case(2, 2, 3, 3, 4, 3, [0, 2])
additive_case(3, 3, 2, 2, 5, 2, [4, 1, 0])
print(json.dumps({"generator": "cross_attention.py", "torch": torch.__version__, "cases": cases}))
