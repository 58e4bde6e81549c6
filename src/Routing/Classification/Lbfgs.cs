namespace Hotline.Routing.Classification;

/// <summary>
/// Limited-memory BFGS (Nocedal &amp; Wright, algorithm 7.4) with a backtracking Armijo line search. Deterministic, no
/// learning rate to tune, and it converges on the smooth, strongly convex objectives used here (L2-regularised multinomial
/// logistic loss, the stacking weights) in tens to a few hundred iterations.
/// </summary>
internal static class Lbfgs
{
    /// <summary>An objective: writes the gradient at x into its second argument and returns the value.</summary>
    public delegate double Objective(double[] x, double[] gradient);

    public static double Minimize(Objective objective, double[] x, int maxIterations, double tolerance = 1e-6, int memory = 10)
    {
        var n = x.Length;
        var g = new double[n];
        var f = objective(x, g);
        var s = new List<double[]>(memory);
        var y = new List<double[]>(memory);
        var rho = new List<double>(memory);
        var direction = new double[n];
        var xNew = new double[n];
        var gNew = new double[n];
        var alpha = new double[memory];
        for (var iteration = 0; iteration < maxIterations; iteration++)
        {
            var gNorm = Math.Sqrt(Dot(g, g));
            if (gNorm <= tolerance * Math.Max(1.0, Math.Sqrt(Dot(x, x))))
            {
                break;
            }
            // Two-loop recursion: direction = -H g.
            Array.Copy(g, direction, n);
            for (var k = s.Count - 1; k >= 0; k--)
            {
                alpha[k] = rho[k] * Dot(s[k], direction);
                Axpy(-alpha[k], y[k], direction);
            }
            var gamma = s.Count > 0 ? Dot(s[^1], y[^1]) / Dot(y[^1], y[^1]) : 1.0 / gNorm;
            Scale(direction, gamma);
            for (var k = 0; k < s.Count; k++)
            {
                var beta = rho[k] * Dot(y[k], direction);
                Axpy(alpha[k] - beta, s[k], direction);
            }
            Scale(direction, -1.0);
            var slope = Dot(g, direction);
            if (slope >= 0)
            {
                // Not a descent direction (numerical trouble): restart from steepest descent.
                s.Clear();
                y.Clear();
                rho.Clear();
                Array.Copy(g, direction, n);
                Scale(direction, -1.0 / gNorm);
                slope = Dot(g, direction);
            }
            var step = 1.0;
            double fNew;
            var accepted = false;
            for (var tries = 0; tries < 40; tries++)
            {
                for (var i = 0; i < n; i++)
                {
                    xNew[i] = x[i] + step * direction[i];
                }
                fNew = objective(xNew, gNew);
                if (fNew <= f + 1e-4 * step * slope)
                {
                    accepted = true;
                    var sk = new double[n];
                    var yk = new double[n];
                    for (var i = 0; i < n; i++)
                    {
                        sk[i] = xNew[i] - x[i];
                        yk[i] = gNew[i] - g[i];
                    }
                    var sy = Dot(sk, yk);
                    if (sy > 1e-12)
                    {
                        if (s.Count == memory)
                        {
                            s.RemoveAt(0);
                            y.RemoveAt(0);
                            rho.RemoveAt(0);
                        }
                        s.Add(sk);
                        y.Add(yk);
                        rho.Add(1.0 / sy);
                    }
                    var relative = (f - fNew) / Math.Max(Math.Max(Math.Abs(f), Math.Abs(fNew)), 1.0);
                    Array.Copy(xNew, x, n);
                    Array.Copy(gNew, g, n);
                    f = fNew;
                    if (relative < tolerance * 1e-3)
                    {
                        return f;
                    }
                    break;
                }
                step *= 0.5;
            }
            if (!accepted)
            {
                break;
            }
        }
        return f;
    }

    private static double Dot(double[] a, double[] b)
    {
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }
        return sum;
    }

    private static void Axpy(double a, double[] x, double[] y)
    {
        for (var i = 0; i < x.Length; i++)
        {
            y[i] += a * x[i];
        }
    }

    private static void Scale(double[] x, double a)
    {
        for (var i = 0; i < x.Length; i++)
        {
            x[i] *= a;
        }
    }
}
