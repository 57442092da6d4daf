"""Package cycles of jukibus, drawn from the imports (docs/architecture.md, "Package structure").

    python3 docs/package-cycles.py [src/main/java] [-v] [--layers]

Prints the number of packages and of groups of packages that import each other in a cycle, each group, with -v
the imports that tie it, with --layers (when there is no cycle) each package's layer: one above the highest it
imports. ArchitectureTest checks the same on the compiled classes; this needs only the sources.
"""
import os,re,sys,collections
args=[a for a in sys.argv[1:] if not a.startswith('-')]
root=args[0] if args else 'src/main/java'
pre='org.jukibus.'
g=collections.defaultdict(set); edges=collections.defaultdict(set)
for d,_,fs in os.walk(root):
  for f in fs:
    if not f.endswith('.java'): continue
    p=os.path.join(d,f); src=open(p).read()
    m=re.search(r'^package\s+([\w.]+);',src,re.M); pkg=m.group(1)
    g[pkg]
    for imp in re.findall(r'^import\s+(?:static\s+)?([\w.]+)',src,re.M):
      if not imp.startswith(pre): continue
      parts=imp.split('.')
      # package = up to first capitalised part
      i=next(k for k,x in enumerate(parts) if x[0].isupper())
      ip='.'.join(parts[:i])
      if ip!=pkg: g[pkg].add(ip); edges[(pkg,ip)].add(f[:-5]+'->'+parts[i])
# tarjan
idx={};low={};st=[];on=set();sccs=[];c=[0]
sys.setrecursionlimit(10000)
def sc(v):
  idx[v]=low[v]=c[0];c[0]+=1;st.append(v);on.add(v)
  for w in g[v]:
    if w not in idx: sc(w);low[v]=min(low[v],low[w])
    elif w in on: low[v]=min(low[v],idx[w])
  if low[v]==idx[v]:
    s=[]
    while True:
      w=st.pop();on.discard(w);s.append(w)
      if w==v:break
    sccs.append(s)
for v in list(g):
  if v not in idx: sc(v)
cyc=[s for s in sccs if len(s)>1]
sh=lambda p:p[len(pre):] if p.startswith(pre) else p
print('packages',len(g),'cyclic groups',len(cyc))
for s in cyc:
  print(len(s),sorted(map(sh,s)))
  if '-v' in sys.argv:
    for a in s:
      for b in g[a]:
        if b in s: print('   ',sh(a),'->',sh(b),sorted(edges[(a,b)])[:6])
if '--layers' in sys.argv and not cyc:
  layer={}
  def lv(p):
    if p not in layer: layer[p]=1+max([lv(q) for q in g[p] if q in g] or [-1])
    return layer[p]
  for p in sorted(g, key=lambda p:(lv(p),p)): print(lv(p), sh(p))
