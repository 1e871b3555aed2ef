// Line diff (longest common subsequence) laid out side by side: unchanged lines pair up, a run of removed
// lines next to a run of added lines pairs up as "changed".

export function diffLines(leftText, rightText) {
  const a = (leftText ?? '').replace(/\r\n/g, '\n').split('\n');
  const b = (rightText ?? '').replace(/\r\n/g, '\n').split('\n');
  if (a.length && a[a.length - 1] === '') a.pop();
  if (b.length && b[b.length - 1] === '') b.pop();

  // Trim the common prefix and suffix so the quadratic table stays small.
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }

  const n = endA - start;
  const m = endB - start;
  const table = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      table[i][j] = a[start + i] === b[start + j] ? table[i + 1][j + 1] + 1 : Math.max(table[i + 1][j], table[i][j + 1]);
    }
  }

  const ops = [];
  for (let i = 0; i < start; i++) ops.push({ type: 'same', a: i, b: i });
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[start + i] === b[start + j]) {
      ops.push({ type: 'same', a: start + i, b: start + j });
      i++;
      j++;
    } else if (j < m && (i >= n || table[i][j + 1] >= table[i + 1][j])) {
      ops.push({ type: 'add', b: start + j });
      j++;
    } else {
      ops.push({ type: 'del', a: start + i });
      i++;
    }
  }
  for (let k = 0; k < a.length - endA; k++) ops.push({ type: 'same', a: endA + k, b: endB + k });

  // Pair runs of deletions with the following additions.
  const rows = [];
  let added = 0;
  let removed = 0;
  for (let k = 0; k < ops.length;) {
    if (ops[k].type === 'same') {
      rows.push({ type: 'same', left: { no: ops[k].a + 1, text: a[ops[k].a] }, right: { no: ops[k].b + 1, text: b[ops[k].b] } });
      k++;
      continue;
    }
    const dels = [];
    const adds = [];
    while (k < ops.length && ops[k].type !== 'same') {
      if (ops[k].type === 'del') dels.push(ops[k].a);
      else adds.push(ops[k].b);
      k++;
    }
    removed += dels.length;
    added += adds.length;
    const count = Math.max(dels.length, adds.length);
    for (let r = 0; r < count; r++) {
      const left = r < dels.length ? { no: dels[r] + 1, text: a[dels[r]] } : null;
      const right = r < adds.length ? { no: adds[r] + 1, text: b[adds[r]] } : null;
      rows.push({ type: left && right ? 'change' : left ? 'del' : 'add', left, right });
    }
  }
  return { rows, added, removed };
}
