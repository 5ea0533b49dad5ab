#!/usr/bin/python3
"""Random survival data sets against statsmodels, on a running server (not
part of make test; run it after a change to src/cr_km.c or cr_survival.c).

    PGHOST=... PGPORT=... PGUSER=postgres /usr/bin/python3 \
        test/reference/survival_random_check.py SEED [DATASETS]

Each data set (1 to 500 rows; whole, rounded or continuous durations, so
ties or none; 0 to 100 % censored; 1 to 5 groups) is loaded into a temporary
table and compared: the Kaplan-Meier curve at event times (at risk, churned,
survival, Greenwood SE to 1e-9, the log(-log) interval to 1e-8) with
SurvfuncRight; retention_km_quantile for p = 0.1 .. 0.9 with quantile and
quantile_ci (survival exactly at 1 - p is not below it: see the README);
retention_km_rmst at several tau with the area and the Klein-Moeschberger
variance summed here; retention_logrank (plain, gb, tw, fh 0.7) with
survdiff, except where a group has nobody at risk at any event time (the
covariance is singular: NULL here; statsmodels raises or returns what
rounding leaves). Prints each disagreement and "seed S bad N".
"""
import math, random, sys, os
import numpy as np, psycopg2
import scipy.stats as st
from statsmodels.duration.survfunc import SurvfuncRight, survdiff
conn=psycopg2.connect(dbname=os.environ.get('PGDATABASE', 'postgres'))
conn.autocommit=True
cur=conn.cursor()
seed=int(sys.argv[1]) if len(sys.argv)>1 else 1
N=int(sys.argv[2]) if len(sys.argv)>2 else 300
rng=random.Random(seed)
def close(a,b,rel=1e-9,absol=1e-12):
    if a is None or b is None or (isinstance(b,float) and math.isnan(b)):
        return (a is None or (isinstance(a,float) and math.isnan(a))) and (b is None or (isinstance(b,float) and math.isnan(b)))
    if math.isinf(b) or (isinstance(a,float) and math.isinf(a)): return a==b
    return abs(a-b)<=rel*max(abs(b),1e-300)+absol
bad=0
def report(*a):
    global bad; bad+=1; print(*a)
def gen():
    n=rng.choice([1,2,3,5,10,30,100,500])
    kind=rng.random()
    k=rng.choice([1,2,2,3,5])
    cp=rng.choice([0,0.1,0.5,0.9,1.0])
    rows=[]
    for i in range(n):
        if kind<0.4: t=float(rng.randint(0,rng.choice([3,10,50])))
        elif kind<0.7: t=round(rng.expovariate(0.1),rng.choice([0,1,2]))
        else: t=rng.expovariate(0.3)
        rows.append((t, rng.random()>=cp, 'g%d'%rng.randrange(k)))
    return rows
for it in range(N):
    rows=gen()
    conf=rng.choice([0.95,0.9,0.5,0.99])
    cur.execute("create temp table if not exists d(t float8, c bool, g text)")
    cur.execute("truncate d")
    args=','.join(cur.mogrify("(%s,%s,%s)",r).decode() for r in rows)
    cur.execute("insert into d values "+args)
    t=np.array([r[0] for r in rows]); e=np.array([r[1] for r in rows],float); g=np.array([r[2] for r in rows])
    cur.execute("select p.* from unnest((select retention_km(t,c,%s) from d)) p",(conf,))
    km=cur.fetchall()
    z=st.norm.ppf(1-(1-conf)/2)
    ev=[r for r in km if r[2]>0]
    if e.sum()>0:
        sf=SurvfuncRight(t,e)
        if len(ev)!=len(sf.surv_times): report(it,'nevents',len(ev),len(sf.surv_times)); continue
        for r,i in zip(ev,range(len(ev))):
            s,se=sf.surv_prob[i],sf.surv_prob_se[i]
            if r[0]!=sf.surv_times[i] or r[1]!=sf.n_risk[i] or r[2]!=sf.n_events[i] or not close(r[4],s) :
                report(it,'km',r,sf.surv_times[i],sf.n_risk[i],s)
            if not close(r[5],se if (s>0) else None): report(it,'se',r,se)
            if 0<s<1 and np.isfinite(se):
                sd=se/(s*abs(math.log(s)))
                lo=math.exp(-math.exp(math.log(-math.log(s))+z*sd)); hi=math.exp(-math.exp(math.log(-math.log(s))-z*sd))
            else: lo=hi=None
            if not close(r[6],lo,1e-8) or not close(r[7],hi,1e-8): report(it,'ci',r,lo,hi)
        # quantiles
        for p in (0.1,0.25,0.5,0.75,0.9):
            q=sf.quantile(p)
            try:
                lo,hi=sf.quantile_ci(p,alpha=1-conf)
            except Exception as ex:
                lo=hi='exc'
            cur.execute("select (retention_km_quantile(retention_km(t,c),%s,%s)).* from d",(p,conf))
            mq,ml,mh=cur.fetchone()
            qn = None if (q is None or (isinstance(q,float) and math.isnan(q))) else q
            if lo=='exc': report(it,'qci exc',p); continue
            lon=None if (lo is None or math.isnan(lo)) else lo
            hin=None if (hi is None or math.isnan(hi)) else hi
            if qn is not None and not close(mq,qn):
                i=int(np.flatnonzero(sf.surv_times==qn)[0])
                if abs(sf.surv_prob[i]-(1-p))<=1e-12*(1-p) and (mq is None or mq>qn):
                    nxt=[x for j,x in enumerate(sf.surv_times) if x>qn and sf.surv_prob[j]<(1-p)*(1-1e-12)]
                    if (nxt[0] if nxt else None)==mq: qn=mq
            if not (close(mq,qn) and close(ml,lon) and close(mh,hin)):
                report(it,'quantile',p,conf,(mq,ml,mh),(qn,lon,hin), 'n=%d'%len(rows))
    else:
        # all censored
        if km and any(r[4]!=1 for r in km): report(it,'allcens surv',km)
    # RMST vs hand derivation
    if km:
        T=[r[0] for r in km]
        for tau in set([T[-1], T[0] if T[0]>0 else T[-1], (T[0]+T[-1])/2, rng.uniform(1e-9, T[-1]) if T[-1]>0 else T[-1]]):
            if not tau>0: continue
            cur.execute("select (retention_km_rmst(retention_km(t,c),%s)).* from d",(tau,))
            rm,rse=cur.fetchone()
            # hand: area of the step function, var sum over event times <= tau
            def area(a,b):
                tot=0.0; pt=0.0; ps=1.0
                for r in km:
                    lo,hi=max(pt,a),min(r[0],b)
                    if hi>lo: tot+=ps*(hi-lo)
                    pt,ps=r[0],r[4]
                lo=max(pt,a)
                if b>lo: tot+=ps*(b-lo)
                return tot
            A=area(0,tau); var=0.0
            for r in km:
                if r[0]<=tau and r[2]>0 and r[1]>r[2]:
                    a=area(r[0],tau); var+=a*a*r[2]/(r[1]*(r[1]-r[2]))
            if not (close(rm,A,1e-9,1e-12) and close(rse,math.sqrt(var),1e-7,1e-12)):
                report(it,'rmst',tau,(rm,rse),(A,math.sqrt(var)))
    # log-rank
    k=len(set(g))
    for wt,kw,sqlw in ((None,{}, "'logrank'"),('gb',{},"'gb'"),('tw',{},"'tw'"),('fh',{'fh_p':0.7},"'fh',0.7")):
        cur.execute("select (retention_logrank(t,c,g,%s)).* from d"%sqlw)
        chi,df,pv,sk=cur.fetchone()
        evt=sorted(set(t[e>0]))
        silent=False
        for gg in set(g):
            if not any(((t>=x).sum()>1) and ((t[g==gg]>=x).sum()>0) for x in evt): silent=True
        if k<2 or e.sum()==0 or silent:
            if chi is not None: report(it,'lr should be null',chi,k)
            continue
        try:
            c2,p2=survdiff(t,e,g,weight_type=wt,**kw)
        except Exception as ex:
            c2,p2=None,None
            if chi is not None: print(it,'survdiff exc',ex,'ours',chi)
            continue
        if not (close(chi,c2,1e-7,1e-10) and df==k-1 and close(pv,p2,1e-6,1e-12)):
            report(it,'logrank',wt,(chi,df,pv),(c2,p2),'n=%d k=%d'%(len(rows),k))
print('seed',seed,'bad',bad)
