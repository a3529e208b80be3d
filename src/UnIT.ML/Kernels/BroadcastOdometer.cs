using UnIT.ML.Graph;

namespace UnIT.ML.Kernels;

/// <summary>
/// Walks an output shape's elements in row-major order and keeps the offset of the matching element in two
/// operands broadcast into it by numpy rules (shapes aligned at the last axis, size-1 axes repeated).
/// </summary>
internal sealed class BroadcastOdometer
{
    private readonly Shape _shape;
    private readonly int[] _index, _aStride, _bStride;

    /// <summary>Starts at element 0 of <paramref name="outShape"/>.</summary>
    public BroadcastOdometer(Shape outShape, Shape a, Shape b)
    {
        _shape = outShape;
        _index = new int[outShape.Rank];
        _aStride = Strides(a, outShape);
        _bStride = Strides(b, outShape);
    }

    /// <summary>Offset of the current element in the first operand.</summary>
    public int A { get; private set; }

    /// <summary>Offset of the current element in the second operand.</summary>
    public int B { get; private set; }

    /// <summary>Moves to the next output element.</summary>
    public void Next()
    {
        for (int ax = _shape.Rank - 1; ax >= 0; ax--)
        {
            _index[ax]++;
            A += _aStride[ax];
            B += _bStride[ax];
            if (_index[ax] < _shape[ax])
            {
                return;
            }
            A -= _aStride[ax] * _index[ax];
            B -= _bStride[ax] * _index[ax];
            _index[ax] = 0;
        }
    }

    /// <summary>The stride of each output axis within an operand of shape <paramref name="operand"/>: 0 where it broadcasts or has no such axis.</summary>
    private static int[] Strides(Shape operand, Shape outShape)
    {
        var strides = new int[outShape.Rank];
        int stride = 1;
        for (int i = 1; i <= operand.Rank; i++)
        {
            int d = operand[operand.Rank - i];
            strides[outShape.Rank - i] = d == 1 && outShape[outShape.Rank - i] != 1 ? 0 : stride;
            stride *= d;
        }
        return strides;
    }
}
